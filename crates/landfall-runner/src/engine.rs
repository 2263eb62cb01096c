//! The engine's command lines, built without running anything: what
//! `apply --dry-run` prints and the snapshot tests pin down. Commands name
//! secrets by reference only; the executor looks values up when it spawns.

use std::fmt;

/// The container engine, driven through its command-line interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    Podman,
    Docker,
}

impl EngineKind {
    pub fn program(self) -> &'static str {
        match self {
            EngineKind::Podman => "podman",
            EngineKind::Docker => "docker",
        }
    }

    /// Docker has no secrets outside swarm: its secret values travel in the
    /// engine process's environment (`--env NAME` without a value) and as
    /// files in the state directory instead.
    pub fn has_secrets(self) -> bool {
        self == EngineKind::Podman
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.program())
    }
}

/// One engine invocation: `program args…`, with secret values (by
/// reference) on standard input or in the child's environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineCommand {
    pub engine: EngineKind,
    pub args: Vec<String>,
    /// A secret reference whose value is written to standard input.
    pub stdin_secret: Option<String>,
    /// `(VARIABLE, reference)`: set in the engine process's environment.
    pub env_secrets: Vec<(String, String)>,
}

impl EngineCommand {
    pub fn new<I, S>(engine: EngineKind, args: I) -> EngineCommand
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        EngineCommand {
            engine,
            args: args.into_iter().map(Into::into).collect(),
            stdin_secret: None,
            env_secrets: Vec::new(),
        }
    }
}

/// The command as a shell line; secrets appear as their references.
impl fmt::Display for EngineCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (variable, reference) in &self.env_secrets {
            write!(f, "{variable}=\"$(secret {})\" ", quote(reference))?;
        }
        f.write_str(self.engine.program())?;
        for arg in &self.args {
            write!(f, " {}", quote(arg))?;
        }
        if let Some(reference) = &self.stdin_secret {
            write!(f, " < <(secret {})", quote(reference))?;
        }
        Ok(())
    }
}

fn quote(arg: &str) -> String {
    shlex::try_quote(arg)
        .map(|q| q.into_owned())
        // Only a NUL byte cannot be quoted; show it escaped rather than fail.
        .unwrap_or_else(|_| format!("{arg:?}"))
}

/// CPU in millicores as `--cpus` wants it: `250` ─► `0.25`.
pub fn cpus(millis: u64) -> String {
    let whole = millis / 1000;
    let fraction = millis % 1000;
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_print_as_shell_lines_with_secrets_by_reference() {
        let mut command = EngineCommand::new(
            EngineKind::Podman,
            ["secret", "create", "shop-local-x", "-"],
        );
        command.stdin_secret = Some("shop-db/password".into());
        assert_eq!(
            command.to_string(),
            "podman secret create shop-local-x - < <(secret shop-db/password)"
        );
        let mut command = EngineCommand::new(
            EngineKind::Docker,
            ["run", "--env", "A=b c", "--env", "DB_PASSWORD"],
        );
        command.env_secrets = vec![("DB_PASSWORD".into(), "shop-db/password".into())];
        assert_eq!(
            command.to_string(),
            "DB_PASSWORD=\"$(secret shop-db/password)\" docker run --env 'A=b c' --env DB_PASSWORD"
        );
    }

    #[test]
    fn cpus_are_decimal_cores() {
        assert_eq!(cpus(250), "0.25");
        assert_eq!(cpus(500), "0.5");
        assert_eq!(cpus(1000), "1");
        assert_eq!(cpus(1500), "1.5");
        assert_eq!(cpus(1), "0.001");
    }
}
