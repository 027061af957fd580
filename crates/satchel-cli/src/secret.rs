//! Reading a secret key without it landing in shell history or a process list.

use std::io::{BufRead, IsTerminal};

use satchel_core::Error;

/// The secret access key, from a hidden prompt when stdin is a terminal, else the first line of
/// stdin.
pub fn read_secret(force_stdin: bool) -> Result<String, Error> {
    read_hidden("secret access key", force_stdin)
}

/// `what` (lower case, for messages), read as [`read_secret`] reads the secret access key.
pub fn read_hidden(what: &str, force_stdin: bool) -> Result<String, Error> {
    let secret = if std::io::stdin().is_terminal() && !force_stdin {
        let mut prompt = what.to_string();
        prompt[..1].make_ascii_uppercase();
        rpassword::prompt_password(format!("{prompt}: ")).map_err(|e| Error::invalid(format!("Couldn't read the {what}: {e}.")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::invalid(format!("Couldn't read the {what} from stdin: {e}.")))?;
        line
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        return Err(Error::invalid(format!("No {what} was given (type it at the prompt or pipe it on stdin).")));
    }
    Ok(secret)
}
