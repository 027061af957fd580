//! S3's bucket naming rules, checked before any request so the message can name the rule.

use crate::error::{Error, Result};

/// Checks a bucket name against every S3 naming rule; the error names the first broken one.
pub fn validate_bucket_name(name: &str) -> Result<()> {
    let len = name.chars().count();
    if len < 3 || len > 63 {
        return Err(Error::invalid(format!("Bucket names must be 3 to 63 characters long; \"{name}\" has {len}.")));
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(Error::invalid("Bucket names can't contain capitals."));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.')) {
        let shown = if bad == ' ' { "spaces".to_string() } else { format!("\"{bad}\"") };
        return Err(Error::invalid(format!(
            "Bucket names can only contain lowercase letters, digits, hyphens and dots, not {shown}."
        )));
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().last().unwrap_or('-');
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(Error::invalid("Bucket names must start and end with a letter or a digit."));
    }
    if name.contains("..") {
        return Err(Error::invalid("Bucket names can't contain two dots in a row."));
    }
    if name.contains(".-") || name.contains("-.") {
        return Err(Error::invalid("Bucket names can't have a dot next to a hyphen."));
    }
    if looks_like_ip(name) {
        return Err(Error::invalid("Bucket names can't look like an IP address (such as 192.168.5.4)."));
    }
    for prefix in RESERVED_PREFIXES {
        if name.starts_with(prefix) {
            return Err(Error::invalid(format!("Bucket names can't start with \"{prefix}\": S3 reserves it.")));
        }
    }
    for suffix in RESERVED_SUFFIXES {
        if name.ends_with(suffix) {
            return Err(Error::invalid(format!("Bucket names can't end with \"{suffix}\": S3 reserves it.")));
        }
    }
    Ok(())
}

const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

fn looks_like_ip(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_bucket_names_pass() {
        for n in ["abc", "my-bucket", "data.2024.eu", "a1b", &"a".repeat(63), "xn-ok", "bucket-s3"] {
            validate_bucket_name(n).unwrap_or_else(|e| panic!("{n}: {e}"));
        }
    }

    #[test]
    fn each_broken_rule_is_named() {
        let cases = [
            ("ab", "3 to 63"),
            (&"a".repeat(64)[..], "3 to 63"),
            ("MyBucket", "capitals"),
            ("my_bucket", "\"_\""),
            ("my bucket", "spaces"),
            ("-bucket", "start and end"),
            ("bucket-", "start and end"),
            ("my..bucket", "two dots"),
            ("my.-bucket", "dot next to a hyphen"),
            ("192.168.5.4", "IP address"),
            ("xn--bucket", "start with \"xn--\""),
            ("sthree-data", "start with \"sthree-\""),
            ("data-s3alias", "end with \"-s3alias\""),
            ("data--ol-s3", "end with \"--ol-s3\""),
            ("data.mrap", "end with \".mrap\""),
        ];
        for (name, rule) in cases {
            let e = validate_bucket_name(name).unwrap_err();
            assert!(e.message.contains(rule), "{name}: {}", e.message);
        }
    }
}
