//! Where `check`'s reports go: which formats, to standard output or to
//! files, and writing them (quietly dropping the rest when the reader has
//! gone, as in `landfall check | head`, with the status unchanged).

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style text, coloured on a terminal.
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// Versioned JSON, one object per run (see docs/cli.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: a test suite per file, a test case per document.
    Junit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// One report of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub destination: Destination,
}

/// The reports of a run from the `--format` and `--output-file` flags,
/// each with its position on the command line: an `--output-file` belongs
/// to the `--format` before it, a `--format` without one goes to standard
/// output, and when every format goes to a file the human output still
/// goes to standard output. At most one format may take standard output.
pub fn plan(
    formats: &[(usize, Format)],
    files: &[(usize, PathBuf)],
) -> Result<Vec<Output>, String> {
    enum Flag<'a> {
        Format(Format),
        File(&'a PathBuf),
    }
    let mut flags: Vec<(usize, Flag)> = formats
        .iter()
        .map(|&(at, format)| (at, Flag::Format(format)))
        .chain(files.iter().map(|(at, path)| (*at, Flag::File(path))))
        .collect();
    flags.sort_by_key(|(at, _)| *at);

    let mut outputs: Vec<Output> = Vec::new();
    for (_, flag) in flags {
        match flag {
            Flag::Format(format) => outputs.push(Output {
                format,
                destination: Destination::Stdout,
            }),
            Flag::File(path) => match outputs.last_mut() {
                Some(last) if last.destination == Destination::Stdout => {
                    last.destination = Destination::File(path.clone());
                }
                _ => {
                    return Err(format!(
                        "`--output-file {}` needs a `--format` of its own before it \
                         (e.g. `--format json --output-file {0}`)",
                        path.display()
                    ));
                }
            },
        }
    }

    let to_stdout: Vec<Format> = outputs
        .iter()
        .filter(|o| o.destination == Destination::Stdout)
        .map(|o| o.format)
        .collect();
    if to_stdout.len() > 1 {
        let names: Vec<String> = to_stdout
            .iter()
            .map(|f| format!("`{}`", name(*f)))
            .collect();
        return Err(format!(
            "formats {} would all go to standard output: give all but one an `--output-file`",
            names.join(", ")
        ));
    }
    let mut paths: Vec<&Path> = outputs
        .iter()
        .filter_map(|o| match &o.destination {
            Destination::File(path) => Some(path.as_path()),
            Destination::Stdout => None,
        })
        .collect();
    paths.sort();
    if let Some(pair) = paths.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "two formats would be written to `{}`",
            pair[0].display()
        ));
    }
    if to_stdout.is_empty() {
        outputs.push(Output {
            format: Format::Human,
            destination: Destination::Stdout,
        });
    }
    Ok(outputs)
}

fn name(format: Format) -> String {
    format
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

pub fn write_stdout(bytes: &[u8]) {
    stream_stdout(|out| out.write_all(bytes));
}

/// Set once standard output's reader has gone: later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output for `write`, in large writes (not a line at a time).
///
/// A closed pipe (`landfall check | head`) is not an error: what is left
/// to print is dropped and the command ends with the status it would have
/// had, whatever the format and however much the reader took before it
/// left (docs/cli.md, "A closed standard output"). Any other write error
/// ends the process with status 2.
pub fn stream_stdout<F>(write: F)
where
    F: FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
{
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = write(&mut stdout).and_then(|()| stdout.flush());
    if let Err(error) = result {
        if error.kind() == ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            // The buffer cannot be written either: drop it rather than let
            // the writer's drop try again.
            let _ = stdout.into_parts();
            return;
        }
        eprintln!("error: cannot write output: {error}");
        std::process::exit(2);
    }
}

/// Writes a report file (atomically); what went wrong comes back as text.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::atomic_write::write(path, bytes)
        .map_err(|error| format!("cannot write `{}`: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Destination {
        Destination::File(PathBuf::from(path))
    }

    #[test]
    fn each_file_belongs_to_the_format_before_it() {
        let outputs = plan(
            &[(1, Format::Json), (5, Format::Sarif), (9, Format::Github)],
            &[(3, "r.json".into()), (7, "r.sarif".into())],
        )
        .unwrap();
        let pairs: Vec<_> = outputs
            .into_iter()
            .map(|o| (o.format, o.destination))
            .collect();
        assert_eq!(
            pairs,
            [
                (Format::Json, file("r.json")),
                (Format::Sarif, file("r.sarif")),
                (Format::Github, Destination::Stdout),
            ]
        );
    }

    #[test]
    fn human_goes_to_stdout_when_every_format_goes_to_a_file() {
        let outputs = plan(&[(1, Format::Json)], &[(3, "r.json".into())]).unwrap();
        assert_eq!(outputs[1].format, Format::Human);
        assert_eq!(outputs[1].destination, Destination::Stdout);
        let default = plan(&[], &[]).unwrap();
        assert_eq!(
            default,
            [Output {
                format: Format::Human,
                destination: Destination::Stdout
            }]
        );
    }

    #[test]
    fn refuses_what_cannot_be_meant() {
        let two_on_stdout = plan(&[(1, Format::Json), (3, Format::Sarif)], &[]);
        assert!(two_on_stdout.unwrap_err().contains("`json`, `sarif`"));
        let file_first = plan(&[(3, Format::Json)], &[(1, "r.json".into())]);
        assert!(file_first.unwrap_err().contains("needs a `--format`"));
        let two_files = plan(
            &[(1, Format::Json)],
            &[(3, "a.json".into()), (5, "b.json".into())],
        );
        assert!(two_files.is_err());
        let same_file = plan(
            &[(1, Format::Json), (5, Format::Sarif)],
            &[(3, "r".into()), (7, "r".into())],
        );
        assert!(same_file.unwrap_err().contains("two formats"));
    }
}
