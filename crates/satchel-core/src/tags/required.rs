//! Required tags: a connection or one of its buckets can say which tag keys every upload must carry
//! (for cost allocation), optionally with the values allowed. The values a user gave last time are
//! remembered as defaults. Kept in `upload-rules.json` beside the connections; no secrets in it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::{lock_settings, write_json_atomic, Paths};
use crate::error::{Error, Result};
use super::rules::{validate_tags, Tag, TagTarget};

const FORMAT_VERSION: u32 = 1;

/// A tag key uploads must carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredTag {
    pub key: String,
    /// The values allowed; empty means any non-empty value.
    #[serde(default)]
    pub allowed: Vec<String>,
}

/// Where a rule was declared, so the UI can say why a tag is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RuleScope {
    Connection,
    Bucket,
}

/// A required tag and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredTagRule {
    pub tag: RequiredTag,
    pub scope: RuleScope,
}

/// What uploads into one bucket must carry, and the values to offer first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadRules {
    pub required: Vec<RequiredTagRule>,
    /// The values last used for the required keys (only values still allowed).
    pub defaults: Vec<Tag>,
}

impl UploadRules {
    /// Refuses `tags` unless every required key is there with an allowed value. Nothing has been
    /// sent when this fails.
    pub fn check(&self, tags: &[Tag]) -> Result<()> {
        let mut missing = Vec::new();
        for rule in &self.required {
            let want = &rule.tag;
            match tags.iter().find(|t| t.key == want.key) {
                None => missing.push(format!("\"{}\"", want.key)),
                Some(t) if t.value.trim().is_empty() => missing.push(format!("\"{}\"", want.key)),
                Some(t) if !want.allowed.is_empty() && !want.allowed.contains(&t.value) => {
                    return Err(Error::invalid(format!(
                        "Tag \"{}\" must be one of {}; \"{}\" isn't allowed here.",
                        want.key,
                        want.allowed.join(", "),
                        t.value
                    )));
                }
                Some(_) => {}
            }
        }
        match missing.len() {
            0 => Ok(()),
            1 => Err(Error::invalid(format!("Uploads here must carry the tag {}; add it before starting.", missing[0]))),
            _ => Err(Error::invalid(format!("Uploads here must carry the tags {}; add them before starting.", missing.join(", ")))),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ConnectionRules {
    #[serde(default)]
    required: Vec<RequiredTag>,
    #[serde(default)]
    buckets: BTreeMap<String, Vec<RequiredTag>>,
    /// Last value used per tag key.
    #[serde(default)]
    defaults: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RulesFile {
    version: u32,
    #[serde(default)]
    connections: BTreeMap<String, ConnectionRules>,
}

/// Reads and writes the rules file. Reads are fresh each time and changes are made under the
/// file's lock: the CLI and the app may both edit it.
#[derive(Debug, Clone)]
pub struct RulesStore {
    path: PathBuf,
}

impl RulesStore {
    pub fn new(paths: &Paths) -> RulesStore {
        RulesStore { path: paths.upload_rules_file() }
    }

    fn load(&self) -> Result<RulesFile> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    crate::ErrorCode::Config,
                    format!("The upload rules file {} couldn't be read ({e}); fix or remove it.", self.path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RulesFile { version: FORMAT_VERSION, ..Default::default() }),
            Err(e) => Err(Error::new(crate::ErrorCode::Config, format!("Couldn't read {}: {e}.", self.path.display()))),
        }
    }

    fn save(&self, mut file: RulesFile) -> Result<()> {
        file.version = FORMAT_VERSION;
        file.connections.retain(|_, c| !(c.required.is_empty() && c.buckets.is_empty() && c.defaults.is_empty()));
        write_json_atomic(&self.path, &file, "the upload rules")
    }

    /// The rules for uploads into `bucket` of `connection_id`: the connection's required tags, then
    /// the bucket's (a bucket rule for the same key wins).
    pub fn for_bucket(&self, connection_id: &str, bucket: &str) -> Result<UploadRules> {
        let file = self.load()?;
        let Some(conn) = file.connections.get(connection_id) else { return Ok(UploadRules::default()) };
        let mut required: Vec<RequiredTagRule> =
            conn.required.iter().map(|t| RequiredTagRule { tag: t.clone(), scope: RuleScope::Connection }).collect();
        for t in conn.buckets.get(bucket).into_iter().flatten() {
            required.retain(|r| r.tag.key != t.key);
            required.push(RequiredTagRule { tag: t.clone(), scope: RuleScope::Bucket });
        }
        let defaults = required
            .iter()
            .filter_map(|r| {
                let value = conn.defaults.get(&r.tag.key)?;
                (r.tag.allowed.is_empty() || r.tag.allowed.contains(value)).then(|| Tag { key: r.tag.key.clone(), value: value.clone() })
            })
            .collect();
        Ok(UploadRules { required, defaults })
    }

    /// The required tags declared at one scope: the connection (`bucket` is `None`) or a bucket.
    pub fn declared(&self, connection_id: &str, bucket: Option<&str>) -> Result<Vec<RequiredTag>> {
        let file = self.load()?;
        let conn = file.connections.get(connection_id);
        Ok(match bucket {
            None => conn.map(|c| c.required.clone()).unwrap_or_default(),
            Some(b) => conn.and_then(|c| c.buckets.get(b).cloned()).unwrap_or_default(),
        })
    }

    /// Replaces the required tags at one scope. Each key and allowed value must be a valid tag.
    pub fn declare(&self, connection_id: &str, bucket: Option<&str>, required: Vec<RequiredTag>) -> Result<()> {
        check_declaration(&required)?;
        let _lock = lock_settings(&self.path)?;
        let mut file = self.load()?;
        let conn = file.connections.entry(connection_id.to_string()).or_default();
        match bucket {
            None => conn.required = required,
            Some(b) if required.is_empty() => {
                conn.buckets.remove(b);
            }
            Some(b) => {
                conn.buckets.insert(b.to_string(), required);
            }
        }
        self.save(file)
    }

    /// Remembers the values used, to offer them first next time.
    pub fn remember(&self, connection_id: &str, tags: &[Tag]) -> Result<()> {
        if tags.is_empty() {
            return Ok(());
        }
        let _lock = lock_settings(&self.path)?;
        let mut file = self.load()?;
        let conn = file.connections.entry(connection_id.to_string()).or_default();
        for t in tags {
            conn.defaults.insert(t.key.clone(), t.value.clone());
        }
        self.save(file)
    }

    /// Drops everything about a removed connection.
    pub fn forget_connection(&self, connection_id: &str) -> Result<()> {
        let _lock = lock_settings(&self.path)?;
        let mut file = self.load()?;
        if file.connections.remove(connection_id).is_some() {
            self.save(file)?;
        }
        Ok(())
    }
}

fn check_declaration(required: &[RequiredTag]) -> Result<()> {
    let as_tags: Vec<Tag> = required.iter().map(|r| Tag { key: r.key.clone(), value: String::new() }).collect();
    validate_tags(&as_tags, TagTarget::Object)?;
    for r in required {
        let values: Vec<Tag> = r.allowed.iter().map(|v| Tag { key: r.key.clone(), value: v.clone() }).collect();
        for v in &values {
            if v.value.trim().is_empty() {
                return Err(Error::invalid(format!("An allowed value of \"{}\" is empty.", r.key)));
            }
            validate_tags(std::slice::from_ref(v), TagTarget::Object)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    fn store() -> (tempfile::TempDir, RulesStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = RulesStore::new(&Paths::in_dir(dir.path()));
        (dir, store)
    }

    #[test]
    fn bucket_rules_add_to_and_override_the_connections() {
        let (_d, s) = store();
        s.declare("c1", None, vec![RequiredTag { key: "project".into(), allowed: vec!["a".into(), "b".into()] }]).unwrap();
        s.declare("c1", Some("data"), vec![RequiredTag { key: "project".into(), allowed: vec![] }, RequiredTag { key: "owner".into(), allowed: vec![] }])
            .unwrap();
        let other = s.for_bucket("c1", "logs").unwrap();
        assert_eq!(other.required.len(), 1);
        assert_eq!(other.required[0].scope, RuleScope::Connection);
        let data = s.for_bucket("c1", "data").unwrap();
        let keys: Vec<_> = data.required.iter().map(|r| (r.tag.key.as_str(), r.scope)).collect();
        assert_eq!(keys, [("project", RuleScope::Bucket), ("owner", RuleScope::Bucket)]);
        assert!(s.for_bucket("c2", "data").unwrap().required.is_empty());
    }

    #[test]
    fn check_names_what_is_missing_or_not_allowed() {
        let (_d, s) = store();
        s.declare("c", None, vec![RequiredTag { key: "project".into(), allowed: vec!["a".into(), "b".into()] }, RequiredTag { key: "team".into(), allowed: vec![] }])
            .unwrap();
        let rules = s.for_bucket("c", "x").unwrap();
        let e = rules.check(&[]).unwrap_err();
        assert!(e.message.contains("\"project\", \"team\""), "{}", e.message);
        let e = rules.check(&[tag("project", "c"), tag("team", "t")]).unwrap_err();
        assert!(e.message.contains("must be one of a, b"), "{}", e.message);
        let e = rules.check(&[tag("project", "a"), tag("team", " ")]).unwrap_err();
        assert!(e.message.contains("\"team\""), "{}", e.message);
        rules.check(&[tag("project", "a"), tag("team", "t"), tag("extra", "1")]).unwrap();
    }

    #[test]
    fn defaults_are_remembered_while_still_allowed() {
        let (_d, s) = store();
        s.declare("c", None, vec![RequiredTag { key: "project".into(), allowed: vec!["a".into(), "b".into()] }]).unwrap();
        s.remember("c", &[tag("project", "b"), tag("other", "x")]).unwrap();
        assert_eq!(s.for_bucket("c", "x").unwrap().defaults, [tag("project", "b")]);
        s.declare("c", None, vec![RequiredTag { key: "project".into(), allowed: vec!["a".into()] }]).unwrap();
        assert!(s.for_bucket("c", "x").unwrap().defaults.is_empty());
    }

    #[test]
    fn bad_declarations_are_refused() {
        let (_d, s) = store();
        for bad in [
            vec![RequiredTag { key: "aws:x".into(), allowed: vec![] }],
            vec![RequiredTag { key: "p".into(), allowed: vec!["".into()] }],
            vec![RequiredTag { key: "p".into(), allowed: vec!["bad<value".into()] }],
            vec![RequiredTag { key: "p".into(), allowed: vec![] }, RequiredTag { key: "p".into(), allowed: vec![] }],
        ] {
            assert!(s.declare("c", None, bad).is_err());
        }
        assert!(s.declared("c", None).unwrap().is_empty());
    }
}
