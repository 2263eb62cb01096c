//! `landfall init [DIR]`: a starter project that checks clean and plans to
//! the local target: an Application, a Workload, a ScopeType with
//! `target: local`, a Scope of it, and a `landfall.toml` marking the
//! project root. Nothing is overwritten: when any of these files exists,
//! nothing is written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The files written, relative to DIR, and their text (`{{app}}` stands
/// for the application's name).
const FILES: [(&str, &str); 5] = [
    ("landfall.toml", include_str!("init/landfall.toml")),
    ("application.yaml", include_str!("init/application.yaml")),
    ("scopetypes.yaml", include_str!("init/scopetypes.yaml")),
    ("scopes/local.yaml", include_str!("init/scope-local.yaml")),
    ("workloads/web.yaml", include_str!("init/workload-web.yaml")),
];

/// Longest name a document may have (a DNS label).
const MAX_NAME: usize = 63;

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to write into, made if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The application's name. Default: the folder's name, lower-cased
    /// with anything but letters, digits and `-` as `-`.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

pub fn run(args: &InitArgs) -> ExitCode {
    match init(args) {
        Ok(text) => {
            crate::output::write_stdout(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(crate::EXIT_CANNOT_RUN)
        }
    }
}

fn init(args: &InitArgs) -> Result<String, String> {
    let app = match &args.name {
        Some(name) if is_name(name) => name.clone(),
        Some(name) => {
            return Err(format!(
                "`{name}` is not a valid name: lower-case letters, digits and `-`, \
                 starting and ending with a letter or digit, at most {MAX_NAME} characters"
            ));
        }
        None => name_from(&args.dir),
    };
    let existing: Vec<String> = FILES
        .iter()
        .map(|(path, _)| args.dir.join(path))
        .filter(|path| path.exists())
        .map(|path| format!("`{}`", path.display()))
        .collect();
    if !existing.is_empty() {
        return Err(format!(
            "not overwriting {}: nothing was written (choose an empty folder: `landfall init DIR`)",
            existing.join(", ")
        ));
    }
    let mut report = String::new();
    for (relative, template) in FILES {
        let path = args.dir.join(relative);
        write_new(&path, &template.replace("{{app}}", &app))?;
        report.push_str(&format!("created {}\n", path.display()));
    }
    let dir = args.dir.display();
    report.push_str(&format!(
        "next: landfall check {dir}  and  landfall plan {dir} --scope {app}/local\n"
    ));
    Ok(report)
}

/// Writes a file that must not exist yet (checked again here, atomically:
/// a file made since the check above is not overwritten either).
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(cannot)?;
    file.write_all(text.as_bytes()).map_err(cannot)
}

fn is_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !name.is_empty()
        && name.len() <= MAX_NAME
        && bytes.iter().all(|b| edge(b) || *b == b'-')
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
}

/// The folder's name as a valid document name, or `hello` when nothing of
/// it is usable.
fn name_from(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let folder = crate::project_root::normalize(&absolute)
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(MAX_NAME);
    let name = name.trim_matches('-').to_string();
    if is_name(&name) {
        name
    } else {
        "hello".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_folders() {
        assert_eq!(name_from(Path::new("/tmp/My_Shop")), "my-shop");
        assert_eq!(name_from(Path::new("/tmp/web/")), "web");
        assert_eq!(name_from(Path::new("/tmp/__")), "hello");
        assert!(!is_name("Api_Server"));
        assert!(!is_name("-api"));
        assert!(is_name("api-2"));
    }
}
