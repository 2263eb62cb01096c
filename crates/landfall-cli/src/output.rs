//! Writing to standard output, ending quietly when the reader has gone
//! (`landfall check | head`).

use std::io::{ErrorKind, Write};

pub fn write_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_all(bytes).and_then(|()| stdout.flush());
    if let Err(error) = result {
        if error.kind() == ErrorKind::BrokenPipe {
            // The reader has what it wanted; nothing more to say.
            std::process::exit(0);
        }
        eprintln!("error: cannot write output: {error}");
        std::process::exit(2);
    }
}
