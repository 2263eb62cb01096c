//! JSON-RPC over standard input and output, framed by `Content-Length`.
//!
//! `lsp-server`'s own stdio reader stops at the first message that is not
//! JSON-RPC; this one answers it with a parse error (`-32700`, id null) or
//! an invalid request (`-32600`) and reads on, so that one bad message
//! never ends the server.

use std::io::{BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::Message;

const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// The reading and writing threads; join them after the connection ends.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl IoThreads {
    pub fn join(self) {
        let _ = self.reader.join();
        let _ = self.writer.join();
    }
}

/// The messages read from `input` and a sender whose messages are written
/// to `output`.
pub fn connect(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Sender<Message>, Receiver<Message>, IoThreads) {
    let (to_writer, from_server) = unbounded::<Message>();
    let (to_server, from_reader) = unbounded::<Message>();
    // Errors about messages that could not be read go out as raw JSON: their
    // id is `null`, which `lsp-server`'s request ids cannot hold.
    let (errors, from_errors) = unbounded::<String>();
    let writer = thread::spawn(move || {
        let mut output = output;
        loop {
            let written = crossbeam_channel::select! {
                recv(from_server) -> message => match message {
                    Ok(message) => message.write(&mut output).is_ok(),
                    Err(_) => false,
                },
                recv(from_errors) -> error => match error {
                    Ok(body) => write!(output, "Content-Length: {}\r\n\r\n{body}", body.len()).is_ok(),
                    Err(_) => true,
                },
            };
            if !written || output.flush().is_err() {
                break;
            }
        }
    });
    let reader = thread::spawn(move || {
        let mut input = input;
        loop {
            match read_frame(&mut input) {
                Frame::End => break,
                Frame::Body(body) => match parse(&body) {
                    Ok(message) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if to_server.send(message).is_err() || exit {
                            break;
                        }
                    }
                    Err((id, code, why)) => {
                        let _ = errors.send(error_body(id, code, &why));
                    }
                },
                Frame::Malformed(why) => {
                    let _ = errors.send(error_body(serde_json::Value::Null, PARSE_ERROR, &why));
                }
            }
        }
    });
    (to_writer, from_reader, IoThreads { reader, writer })
}

enum Frame {
    Body(Vec<u8>),
    Malformed(String),
    End,
}

/// One message's body; headers other than `Content-Length` are skipped.
fn read_frame(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if length.is_some() || bad_header.is_some() {
                break;
            }
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("not a header: `{line}`")),
        }
    }
    let Some(length) = length else {
        return Frame::Malformed(bad_header.unwrap_or_else(|| "no Content-Length".into()));
    };
    // A frame larger than any spec file the checker reads is refused,
    // after skipping it.
    if length > 64 * 1024 * 1024 {
        let _ = std::io::copy(&mut input.take(length as u64), &mut std::io::sink());
        return Frame::Malformed(format!("a message of {length} bytes is too large"));
    }
    let mut body = vec![0; length];
    if input.read_exact(&mut body).is_err() {
        return Frame::End;
    }
    Frame::Body(body)
}

/// A message, or the id (null when unknown), code and reason of the error
/// that answers it.
fn parse(body: &[u8]) -> Result<Message, (serde_json::Value, i32, String)> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        (
            serde_json::Value::Null,
            PARSE_ERROR,
            format!("not JSON: {e}"),
        )
    })?;
    let id = match value.get("id") {
        Some(id @ (serde_json::Value::Number(_) | serde_json::Value::String(_))) => id.clone(),
        _ => serde_json::Value::Null,
    };
    serde_json::from_value::<Message>(value)
        .map_err(|e| (id, INVALID_REQUEST, format!("not a JSON-RPC message: {e}")))
}

fn error_body(id: serde_json::Value, code: i32, message: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": message},
    })
    .to_string()
}
