//! Folders: a zero-byte `name/` key, which is what every S3 tool shows as a folder.

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// Checks a folder name typed by the user.
pub fn validate_folder_name(name: &str) -> Result<()> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("Give the folder a name."));
    }
    if n.contains('/') {
        return Err(Error::invalid("Folder names can't contain \"/\"; create one level at a time."));
    }
    if n == "." || n == ".." {
        return Err(Error::invalid("\".\" and \"..\" can't be folder names."));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid("Folder names can't contain control characters."));
    }
    if n.len() > 1000 {
        return Err(Error::invalid("That folder name is too long for S3 (keys are at most 1,024 bytes)."));
    }
    Ok(())
}

/// Creates `parent` + `name/` as a zero-byte key, which is what every S3 tool shows as a folder.
pub async fn create_folder(s3: &S3, bucket: &str, parent: &str, name: &str) -> Result<String> {
    validate_folder_name(name)?;
    let key = format!("{parent}{}/", name.trim());
    s3.client
        .put_object()
        .bucket(bucket)
        .key(&key)
        .body(Vec::new().into())
        .send()
        .await
        .map_err(|e| classify(&e, s3.attempt("create the folder")))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        validate_folder_name("2024 reports").unwrap();
        for (bad, rule) in [("", "name"), ("a/b", "\"/\""), ("..", "\"..\""), ("a\tb", "control")] {
            assert!(validate_folder_name(bad).unwrap_err().message.contains(rule), "{bad}");
        }
    }
}
