//! Where an object is, as a person writes it: `s3://bucket/key`.

use crate::error::{Error, Result};

/// Splits `s3://bucket/key`.
pub fn parse_s3_url(s: &str) -> Result<(String, String)> {
    let rest = s
        .strip_prefix("s3://")
        .ok_or_else(|| Error::invalid(format!("\"{s}\" isn't an S3 address: write s3://bucket/key.")))?;
    match rest.split_once('/') {
        Some((b, k)) if !b.is_empty() => Ok((b.to_string(), k.to_string())),
        _ => Ok((rest.to_string(), String::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn s3_addresses() {
        assert_eq!(parse_s3_url("s3://b/dir/k.txt").unwrap(), ("b".into(), "dir/k.txt".into()));
        assert_eq!(parse_s3_url("s3://b").unwrap(), ("b".into(), String::new()));
        assert!(parse_s3_url("https://x").is_err());
    }
}
