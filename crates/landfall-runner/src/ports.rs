//! Host ports for a replica's published ports. A port the plan does not
//! fix is picked here, when the container starts, rather than by the
//! engine: the apply then knows every replica's address without asking
//! the engine again (an `inspect` costs an engine call's start-up, about
//! as long as the rest of a one-replica apply's own work).

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Mutex;

use crate::engine::EngineCommand;
use crate::error::RunnerError;

/// The loopback address every port is published on.
const LOOPBACK: &str = "127.0.0.1";

/// Ports this process handed out: the kernel may offer a port again once
/// its probe socket is closed, and two replicas starting side by side must
/// not both take it.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// `(container port, "127.0.0.1:40123")` of a container's published ports.
pub type Published = Vec<(u16, String)>;

/// `command` with a free host port in every `--publish 127.0.0.1::PORT`,
/// and every port it publishes. A command that publishes nothing comes
/// back as it is.
pub fn pick_host_ports(command: &EngineCommand) -> Result<(EngineCommand, Published), RunnerError> {
    let mut concrete = command.clone();
    let mut published = Vec::new();
    let mut args = concrete.args.iter_mut().peekable();
    while let Some(arg) = args.next() {
        if arg != "--publish" {
            continue;
        }
        let Some(value) = args.next() else { break };
        let Some((host, port)) = value
            .strip_prefix(LOOPBACK)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split_once(':'))
        else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        let host = match host {
            "" => free_port()?,
            fixed => fixed.parse::<u16>().map_err(|_| {
                RunnerError::InvalidPlan(format!("`{value}` is not a port to publish"))
            })?,
        };
        *value = format!("{LOOPBACK}:{host}:{port}");
        published.push((port, format!("{LOOPBACK}:{host}")));
    }
    published.sort();
    Ok((concrete, published))
}

/// Whether an engine's error says a host port was taken (by another
/// program, between the pick and the start).
pub fn port_taken(stderr: &str) -> bool {
    let stderr = stderr.to_lowercase();
    stderr.contains("address already in use") || stderr.contains("port is already allocated")
}

/// A port no socket of this machine listens on now, and that this process
/// has not handed out before.
fn free_port() -> Result<u16, RunnerError> {
    let mut handed_out = HANDED_OUT.lock().expect("not poisoned");
    for _ in 0..64 {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .map_err(|error| {
                RunnerError::io(format!("cannot find a free port on {LOOPBACK}"), error)
            })?
            .port();
        if handed_out.insert(port) {
            return Ok(port);
        }
    }
    Err(RunnerError::io(
        format!("cannot find a free port on {LOOPBACK}"),
        std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            "every port offered was handed out before",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineKind;

    #[test]
    fn unfixed_host_ports_are_picked_and_fixed_ones_kept() {
        let command = EngineCommand::new(
            EngineKind::Podman,
            [
                "run",
                "--detach",
                "--name",
                "shop-local-api-0-1a2b3c4d",
                "--publish",
                "127.0.0.1::8080",
                "--publish",
                "127.0.0.1:18081:8081",
                "--env",
                "PORT=127.0.0.1::9",
                "image",
            ],
        );
        let (concrete, published) = pick_host_ports(&command).unwrap();
        let picked = published[0].1.strip_prefix("127.0.0.1:").unwrap();
        assert_eq!(concrete.args[5], format!("127.0.0.1:{picked}:8080"));
        assert_eq!(concrete.args[7], "127.0.0.1:18081:8081");
        assert_eq!(
            concrete.args[9], "PORT=127.0.0.1::9",
            "only --publish values"
        );
        assert_eq!(published[0].0, 8080);
        assert_eq!(published[1], (8081, "127.0.0.1:18081".to_string()));
        assert!(picked.parse::<u16>().unwrap() > 0);
    }

    #[test]
    fn picked_ports_are_free_and_never_handed_out_twice() {
        let ports: Vec<u16> = (0..50).map(|_| free_port().unwrap()).collect();
        let distinct: BTreeSet<u16> = ports.iter().copied().collect();
        assert_eq!(distinct.len(), ports.len());
        for port in ports.iter().take(5) {
            TcpListener::bind((Ipv4Addr::LOCALHOST, *port)).expect("the picked port is free");
        }
    }

    #[test]
    fn both_engines_words_for_a_taken_port_are_known() {
        assert!(port_taken(
            "Error: rootlessport listen tcp 127.0.0.1:40123: bind: address already in use"
        ));
        assert!(port_taken(
            "Bind for 127.0.0.1:40123 failed: port is already allocated"
        ));
        assert!(!port_taken(
            "Error: the container name \"x\" is already in use"
        ));
    }
}
