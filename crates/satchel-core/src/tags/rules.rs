//! S3's tagging rules, checked before any request so the message can name the rule.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Where tags go: the limits differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagTarget {
    /// At most 10 tags.
    Object,
    /// At most 50 tags.
    Bucket,
}

const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;

/// Checks tags against S3's rules; the error names the tag and the rule.
pub fn validate_tags(tags: &[Tag], target: TagTarget) -> Result<()> {
    let (max, what) = match target {
        TagTarget::Object => (10, "An object"),
        TagTarget::Bucket => (50, "A bucket"),
    };
    if tags.len() > max {
        return Err(Error::invalid(format!("{what} can have at most {max} tags; there are {}.", tags.len())));
    }
    let mut seen = HashSet::new();
    for t in tags {
        if t.key.is_empty() {
            return Err(Error::invalid("Tag keys can't be empty."));
        }
        if t.key.chars().count() > MAX_KEY_CHARS {
            return Err(Error::invalid(format!("Tag key \"{}…\" is longer than {MAX_KEY_CHARS} characters.", short(&t.key))));
        }
        if t.value.chars().count() > MAX_VALUE_CHARS {
            return Err(Error::invalid(format!("The value of tag \"{}\" is longer than {MAX_VALUE_CHARS} characters.", short(&t.key))));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(Error::invalid(format!("Tag key \"{}\" can't start with \"aws:\": AWS reserves it.", t.key)));
        }
        for (part, s) in [("key", &t.key), ("value", &t.value)] {
            if let Some(c) = s.chars().find(|c| !allowed_tag_char(*c)) {
                return Err(Error::invalid(format!(
                    "Tag {part} \"{}\" contains \"{c}\"; tags may use letters, digits, spaces and + - = . _ : / @.",
                    short(s)
                )));
            }
        }
        if !seen.insert(t.key.as_str()) {
            return Err(Error::invalid(format!("Tag key \"{}\" appears twice; keys must be unique.", t.key)));
        }
    }
    Ok(())
}

fn allowed_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "+-=._:/@".contains(c)
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Parses `key=value` as typed on a command line.
pub fn parse_tag(s: &str) -> Result<Tag> {
    match s.split_once('=') {
        Some((k, v)) => Ok(Tag { key: k.trim().to_string(), value: v.trim().to_string() }),
        None => Err(Error::invalid(format!("Tags are written key=value; \"{s}\" has no \"=\"."))),
    }
}

/// Tags as the x-amz-tagging header wants them: a URL query string, spaces as %20.
pub fn tagging_header(tags: &[Tag]) -> Option<String> {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // RFC 3986 unreserved characters stay as they are; everything else is escaped.
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    if tags.is_empty() {
        return None;
    }
    let pairs: Vec<String> =
        tags.iter().map(|t| format!("{}={}", utf8_percent_encode(&t.key, QUERY), utf8_percent_encode(&t.value, QUERY))).collect();
    Some(pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    #[test]
    fn tag_rules() {
        validate_tags(&[tag("project", "A"), tag("cost center", "x/y@z")], TagTarget::Object).unwrap();
        let eleven: Vec<Tag> = (0..11).map(|i| tag(&format!("k{i}"), "v")).collect();
        assert!(validate_tags(&eleven, TagTarget::Object).unwrap_err().message.contains("at most 10"));
        validate_tags(&eleven, TagTarget::Bucket).unwrap();
        let cases = [
            (vec![tag("", "v")], "empty"),
            (vec![tag(&"k".repeat(129), "v")], "128"),
            (vec![tag("k", &"v".repeat(257))], "256"),
            (vec![tag("aws:cost", "v")], "aws:"),
            (vec![tag("a", "1"), tag("a", "2")], "twice"),
            (vec![tag("a<b", "1")], "contains \"<\""),
        ];
        for (tags, rule) in cases {
            let e = validate_tags(&tags, TagTarget::Bucket).unwrap_err();
            assert!(e.message.contains(rule), "{tags:?}: {}", e.message);
        }
    }

    #[test]
    fn tags_parse_from_the_command_line() {
        assert_eq!(parse_tag("project=alpha").unwrap(), tag("project", "alpha"));
        assert_eq!(parse_tag("empty=").unwrap(), tag("empty", ""));
        assert!(parse_tag("novalue").is_err());
    }
}
