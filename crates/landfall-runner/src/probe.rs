//! Probes, run by landfall itself: HTTP and TCP from the host through the
//! port published on 127.0.0.1 (every probe port is published), exec
//! inside the container through the engine.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use landfall_plan::{HttpScheme, Probe, ProbeAction};

use crate::engine::{EngineCommand, EngineKind};
use crate::exec::Executor;
use crate::observe::ObservedContainer;
use crate::secrets::Secrets;

/// One attempt; `Err` says what failed. A failed probe is a verdict, not
/// an error of the runner: the readiness wait counts them and reports a
/// [`crate::RunnerError::NotReady`] with the last one's words.
pub fn probe_once(
    probe: &Probe,
    container: &ObservedContainer,
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
) -> Result<(), String> {
    let timeout = Duration::from_millis(probe.timeout_ms.max(1));
    match &probe.action {
        ProbeAction::Http { path, port, scheme } => {
            let address = published(container, *port)?;
            match scheme {
                HttpScheme::Http => http_get(address, path, timeout),
                // Kubernetes does not verify the certificate of an https
                // probe either; without a TLS client the port must accept.
                HttpScheme::Https => tcp_connect(address, timeout),
            }
        }
        ProbeAction::Tcp { port } => tcp_connect(published(container, *port)?, timeout),
        ProbeAction::Exec { command } => {
            let mut args = vec!["exec".to_string(), container.name.clone()];
            args.extend(command.iter().cloned());
            // An engine that cannot run the probe fails it like a probe
            // that fails: readiness says why.
            let output = executor
                .execute(&EngineCommand::new(engine, args), secrets, Some(timeout))
                .map_err(|error| error.to_string())?;
            match output.status {
                Some(0) => Ok(()),
                Some(code) => Err(format!("`{}` exited with {code}", command.join(" "))),
                None => Err(format!(
                    "`{}` did not end within {} ms",
                    command.join(" "),
                    probe.timeout_ms
                )),
            }
        }
    }
}

fn published(container: &ObservedContainer, port: u16) -> Result<SocketAddr, String> {
    let host = container
        .host_port(port)
        .ok_or_else(|| format!("port {port} is not published"))?;
    host.parse()
        .map_err(|_| format!("port {port} is published on `{host}`, not an address"))
}

fn tcp_connect(address: SocketAddr, timeout: Duration) -> Result<(), String> {
    TcpStream::connect_timeout(&address, timeout)
        .map(drop)
        .map_err(|e| format!("cannot connect to {address}: {e}"))
}

/// `GET path` over HTTP/1.1; 200–399 succeeds, as in Kubernetes.
pub fn http_get(address: SocketAddr, path: &str, timeout: Duration) -> Result<(), String> {
    let status = http_status(address, path, timeout)?;
    if (200..400).contains(&status) {
        Ok(())
    } else {
        Err(format!("GET {path} on {address} answered {status}"))
    }
}

/// The status code of `GET path`, within `timeout` for each of connect,
/// write and read.
pub fn http_status(address: SocketAddr, path: &str, timeout: Duration) -> Result<u16, String> {
    let failed = |e: std::io::Error| format!("GET {path} on {address}: {e}");
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(failed)?;
    stream.set_read_timeout(Some(timeout)).map_err(failed)?;
    stream.set_write_timeout(Some(timeout)).map_err(failed)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: landfall-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(failed)?;
    // The status line is all a probe reads.
    let mut head = Vec::new();
    let mut buffer = [0u8; 256];
    while !head.contains(&b'\n') && head.len() < 4096 {
        let read = stream.read(&mut buffer).map_err(failed)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let line = String::from_utf8_lossy(&head);
    let line = line.lines().next().unwrap_or_default();
    line.split(' ')
        .nth(1)
        .filter(|_| line.starts_with("HTTP/"))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("GET {path} on {address}: not an HTTP answer"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn serve_once(answer: &'static str) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            stream.write_all(answer.as_bytes()).unwrap();
        });
        address
    }

    #[test]
    fn http_probes_accept_2xx_and_3xx_only() {
        let ok = serve_once("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assert_eq!(http_get(ok, "/health", Duration::from_secs(2)), Ok(()));
        let moved = serve_once("HTTP/1.0 302 Found\r\n\r\n");
        assert_eq!(http_get(moved, "/", Duration::from_secs(2)), Ok(()));
        let missing = serve_once("HTTP/1.1 404 Not Found\r\n\r\n");
        let error = http_get(missing, "/health", Duration::from_secs(2)).unwrap_err();
        assert!(error.ends_with("answered 404"), "{error}");
        let garbage = serve_once("SSH-2.0-OpenSSH\r\n");
        let error = http_get(garbage, "/", Duration::from_secs(2)).unwrap_err();
        assert!(error.ends_with("not an HTTP answer"), "{error}");
    }

    #[test]
    fn a_closed_port_fails_tcp_probes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        assert_eq!(tcp_connect(address, Duration::from_secs(1)), Ok(()));
        drop(listener);
        assert!(tcp_connect(address, Duration::from_secs(1)).is_err());
    }
}
