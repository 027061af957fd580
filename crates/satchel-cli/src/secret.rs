//! Reading a secret key without it landing in shell history or a process list.

use std::io::{BufRead, IsTerminal};

use satchel_core::Error;

/// From a hidden prompt when stdin is a terminal, else the first line of stdin.
pub fn read_secret(force_stdin: bool) -> Result<String, Error> {
    let secret = if std::io::stdin().is_terminal() && !force_stdin {
        rpassword::prompt_password("Secret access key: ")
            .map_err(|e| Error::invalid(format!("Couldn't read the secret access key: {e}.")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::invalid(format!("Couldn't read the secret access key from stdin: {e}.")))?;
        line
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        return Err(Error::invalid("No secret access key was given (type it at the prompt or pipe it on stdin)."));
    }
    Ok(secret)
}
