//! Bucket policies: checked before any request (each problem on its line), said in plain words
//! statement by statement, made from templates by intent, shown as a diff before they are applied,
//! and refused up front when Block Public Access would refuse them.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// The most S3 takes.
pub const MAX_POLICY_BYTES: usize = 20 * 1024;

/// One thing wrong with a policy, and the line (1-based) it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyProblem {
    pub line: u32,
    pub message: String,
}

/// S3's actions, for telling a typo from a real one (wildcards match against these).
const ACTIONS: &[&str] = &[
    "AbortMultipartUpload", "BypassGovernanceRetention", "CreateBucket", "DeleteBucket", "DeleteBucketPolicy", "DeleteBucketWebsite",
    "DeleteObject", "DeleteObjectTagging", "DeleteObjectVersion", "DeleteObjectVersionTagging", "GetAccelerateConfiguration",
    "GetBucketAcl", "GetBucketCORS", "GetBucketLocation", "GetBucketLogging", "GetBucketNotification", "GetBucketObjectLockConfiguration",
    "GetBucketOwnershipControls", "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock", "GetBucketRequestPayment",
    "GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite", "GetEncryptionConfiguration", "GetLifecycleConfiguration", "GetObject",
    "GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging", "GetObjectVersion",
    "GetObjectVersionAcl", "GetObjectVersionAttributes", "GetObjectVersionTagging", "GetReplicationConfiguration", "ListAllMyBuckets",
    "ListBucket", "ListBucketMultipartUploads", "ListBucketVersions", "ListMultipartUploadParts", "PutAccelerateConfiguration",
    "PutBucketAcl", "PutBucketCORS", "PutBucketLogging", "PutBucketNotification", "PutBucketObjectLockConfiguration",
    "PutBucketOwnershipControls", "PutBucketPolicy", "PutBucketPublicAccessBlock", "PutBucketRequestPayment", "PutBucketTagging",
    "PutBucketVersioning", "PutBucketWebsite", "PutEncryptionConfiguration", "PutLifecycleConfiguration", "PutObject", "PutObjectAcl",
    "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging", "PutObjectVersionAcl", "PutObjectVersionTagging",
    "PutReplicationConfiguration", "ReplicateDelete", "ReplicateObject", "ReplicateTags", "RestoreObject",
];

const OPERATORS: &[&str] = &[
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool",
    "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
];

/// Checks a policy for `bucket`; every problem found, each on its line, or the parsed policy.
pub fn validate(text: &str, bucket: &str) -> std::result::Result<Value, Vec<PolicyProblem>> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(vec![problem(1, format!("The policy is {} KB; a bucket policy can be at most 20 KB.", text.len().div_ceil(1024)))]);
    }
    let policy: Value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        vec![problem(e.line() as u32, format!("This isn't valid JSON: {message}."))]
    })?;
    let mut problems = Vec::new();
    let Some(top) = policy.as_object() else {
        return Err(vec![problem(1, "A policy is a JSON object with a Version and a Statement.")]);
    };
    match top.get("Version").and_then(Value::as_str) {
        Some("2012-10-17") => {}
        Some(v) => problems.push(problem(line_of(text, v), format!("Version \"{v}\" isn't one S3 takes: use \"2012-10-17\"."))),
        None => problems.push(problem(1, "The policy needs \"Version\": \"2012-10-17\".")),
    }
    let statements: Vec<&Value> = match top.get("Statement") {
        Some(Value::Array(a)) if !a.is_empty() => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => {
            problems.push(problem(line_of(text, "Statement"), "The policy needs a Statement: a list of at least one statement."));
            Vec::new()
        }
    };
    for (i, st) in statements.iter().enumerate() {
        check_statement(text, bucket, i + 1, st, &mut problems);
    }
    if problems.is_empty() {
        Ok(policy)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn check_statement(text: &str, bucket: &str, n: usize, st: &Value, problems: &mut Vec<PolicyProblem>) {
    let Some(st) = st.as_object() else {
        problems.push(problem(1, format!("Statement {n} isn't an object.")));
        return;
    };
    let at = |v: &str| line_of(text, v);
    let here = st.get("Sid").and_then(Value::as_str).map(at).unwrap_or_else(|| nth_line(text, "\"Effect\"", n));
    match st.get("Effect").and_then(Value::as_str) {
        Some("Allow" | "Deny") => {}
        Some(e) => problems.push(problem(at(e), format!("Statement {n}: Effect is \"Allow\" or \"Deny\", not \"{e}\"."))),
        None => problems.push(problem(here, format!("Statement {n} needs an Effect: \"Allow\" or \"Deny\"."))),
    }
    match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(p), None) | (None, Some(p)) => check_principal(text, n, p, problems),
        (None, None) => problems.push(problem(here, format!("Statement {n} needs a Principal: who it is about (\"*\" for anyone)."))),
        (Some(_), Some(_)) => problems.push(problem(here, format!("Statement {n} has both Principal and NotPrincipal: keep one."))),
    }
    match (st.get("Action"), st.get("NotAction")) {
        (Some(a), None) | (None, Some(a)) => match strings(a) {
            Some(actions) => {
                for a in actions {
                    if let Some(why) = action_problem(a) {
                        problems.push(problem(at(a), format!("Statement {n}: {why}")));
                    }
                }
            }
            None => problems.push(problem(here, format!("Statement {n}: Action is a string or a list of strings."))),
        },
        (None, None) => problems.push(problem(here, format!("Statement {n} needs an Action, such as \"s3:GetObject\"."))),
        (Some(_), Some(_)) => problems.push(problem(here, format!("Statement {n} has both Action and NotAction: keep one."))),
    }
    match (st.get("Resource"), st.get("NotResource")) {
        (Some(r), None) | (None, Some(r)) => match strings(r) {
            Some(resources) => {
                for r in resources {
                    if !resource_of(r, bucket) {
                        problems.push(problem(
                            at(r),
                            format!("Statement {n}: \"{r}\" isn't this bucket; a bucket policy can only name arn:aws:s3:::{bucket} and arn:aws:s3:::{bucket}/…"),
                        ));
                    }
                }
            }
            None => problems.push(problem(here, format!("Statement {n}: Resource is a string or a list of strings."))),
        },
        (None, None) => problems.push(problem(here, format!("Statement {n} needs a Resource, such as \"arn:aws:s3:::{bucket}/*\"."))),
        (Some(_), Some(_)) => problems.push(problem(here, format!("Statement {n} has both Resource and NotResource: keep one."))),
    }
    if let Some(c) = st.get("Condition") {
        match c.as_object() {
            Some(ops) => {
                for (op, body) in ops {
                    if !operator_known(op) {
                        problems.push(problem(at(op), format!("Statement {n}: \"{op}\" isn't a condition operator (StringEquals, IpAddress, Bool, ...).")));
                    } else if !body.is_object() {
                        problems.push(problem(at(op), format!("Statement {n}: {op} takes an object of condition keys and values.")));
                    }
                }
            }
            None => problems.push(problem(at("Condition"), format!("Statement {n}: Condition is an object of operators."))),
        }
    }
}

fn check_principal(text: &str, n: usize, p: &Value, problems: &mut Vec<PolicyProblem>) {
    match p {
        Value::String(s) if s == "*" => {}
        Value::Object(m) if !m.is_empty() => {
            for (kind, who) in m {
                if !["AWS", "Service", "CanonicalUser", "Federated"].contains(&kind.as_str()) {
                    problems.push(problem(line_of(text, kind), format!("Statement {n}: a Principal is AWS, Service, CanonicalUser or Federated, not \"{kind}\".")));
                    continue;
                }
                let Some(ids) = strings(who) else {
                    problems.push(problem(line_of(text, kind), format!("Statement {n}: {kind} is a string or a list of strings.")));
                    continue;
                };
                if kind == "AWS" {
                    for id in ids {
                        if !aws_principal_ok(id) {
                            problems.push(problem(
                                line_of(text, id),
                                format!("Statement {n}: \"{id}\" isn't an AWS principal: use \"*\", a 12-digit account id, or an arn:aws:iam::ACCOUNT:… ARN."),
                            ));
                        }
                    }
                }
            }
        }
        _ => problems.push(problem(line_of(text, "Principal"), format!("Statement {n}: Principal is \"*\" or an object such as {{\"AWS\": \"111122223333\"}}."))),
    }
}

fn aws_principal_ok(id: &str) -> bool {
    if id == "*" || is_account_id(id) {
        return true;
    }
    let Some(rest) = id.strip_prefix("arn:aws:iam::") else { return false };
    rest.split_once(':').is_some_and(|(account, what)| is_account_id(account) && !what.is_empty())
}

/// Twelve digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn action_problem(a: &str) -> Option<String> {
    if a == "*" || a == "s3:*" {
        return None;
    }
    let Some(name) = a.strip_prefix("s3:").or_else(|| a.strip_prefix("S3:")) else {
        return Some(format!("\"{a}\" isn't an S3 action: they start with s3:, as in s3:GetObject."));
    };
    if ACTIONS.iter().any(|known| glob_matches(name, known)) {
        None
    } else {
        Some(format!("\"{a}\" isn't an S3 action (check the spelling: s3:GetObject, s3:ListBucket, ...)."))
    }
}

/// Case-insensitive match of a pattern with `*` and `?` (as IAM matches actions).
fn glob_matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

fn resource_of(r: &str, bucket: &str) -> bool {
    let Some(rest) = r.strip_prefix("arn:aws:s3:::") else { return false };
    rest == bucket || rest.strip_prefix(bucket).is_some_and(|tail| tail.starts_with('/'))
}

fn operator_known(op: &str) -> bool {
    let op = op.strip_prefix("ForAnyValue:").or_else(|| op.strip_prefix("ForAllValues:")).unwrap_or(op);
    let op = op.strip_suffix("IfExists").unwrap_or(op);
    OPERATORS.contains(&op)
}

fn strings(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s]),
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn problem(line: u32, message: impl Into<String>) -> PolicyProblem {
    PolicyProblem { line, message: message.into() }
}

/// The line of the first `"needle"` in the text (1 when it isn't there).
fn line_of(text: &str, needle: &str) -> u32 {
    let quoted = format!("\"{needle}\"");
    text.find(&quoted).map(|at| text[..at].matches('\n').count() as u32 + 1).unwrap_or(1)
}

/// The line of the `n`th (1-based) occurrence of `needle`.
fn nth_line(text: &str, needle: &str, n: usize) -> u32 {
    text.match_indices(needle).nth(n.saturating_sub(1)).map(|(at, _)| text[..at].matches('\n').count() as u32 + 1).unwrap_or(1)
}

/// Whether a statement grants anyone (without a condition narrowing it) something: what Block
/// Public Access's "block public policies" refuses.
pub fn is_public(policy: &Value) -> bool {
    statements(policy).iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && st.get("Condition").is_none()
            && st.get("Principal").is_some_and(|p| p == "*" || p.get("AWS").and_then(strings).is_some_and(|ids| ids.contains(&"*")))
    })
}

fn statements(policy: &Value) -> Vec<&Map<String, Value>> {
    match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(o)) => vec![o],
        _ => Vec::new(),
    }
}

/// The policy in plain words, a sentence per statement: "Anyone on the internet can read objects
/// under reports/."
pub fn summarize(policy: &Value, bucket: &str) -> Vec<String> {
    statements(policy).into_iter().map(|st| sentence(st, bucket)).collect()
}

fn sentence(st: &Map<String, Value>, bucket: &str) -> String {
    let who = match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(p), _) => principal_words(p),
        (None, Some(p)) => format!("Everyone except {}", principal_words(p).to_lowercase()),
        _ => "Nobody named".to_string(),
    };
    let allow = st.get("Effect").and_then(Value::as_str) == Some("Allow");
    let actions: Vec<&str> = st.get("Action").and_then(strings).unwrap_or_default();
    let what = if st.contains_key("NotAction") {
        "do anything but what is listed".to_string()
    } else {
        join(actions.iter().map(|a| action_words(a)).collect())
    };
    let resources: Vec<&str> = st.get("Resource").and_then(strings).unwrap_or_default();
    let place = join(resources.iter().map(|r| resource_words(r, bucket)).filter(|w| !w.is_empty()).collect());
    let mut s = match (allow, who.as_str()) {
        (false, "Anyone on the internet") => format!("Nobody can {what}"),
        _ => format!("{who} {} {what}", if allow { "can" } else { "can't" }),
    };
    if !place.is_empty() {
        s.push(' ');
        s.push_str(&place);
    }
    if let Some(c) = st.get("Condition").and_then(Value::as_object) {
        s.push(' ');
        s.push_str(&condition_words(c));
    }
    s.push('.');
    s
}

fn principal_words(p: &Value) -> String {
    if p == "*" {
        return "Anyone on the internet".into();
    }
    let mut who = Vec::new();
    if let Some(ids) = p.get("AWS").and_then(strings) {
        for id in ids {
            who.push(if id == "*" {
                "Anyone on the internet".to_string()
            } else if is_account_id(id) {
                format!("Account {id}")
            } else if let Some(rest) = id.strip_prefix("arn:aws:iam::") {
                let (account, what) = rest.split_once(':').unwrap_or((rest, ""));
                match what.split_once('/') {
                    _ if what == "root" => format!("Account {account}"),
                    Some(("user", name)) => format!("IAM user {name} of account {account}"),
                    Some(("role", name)) => format!("IAM role {name} of account {account}"),
                    _ => id.to_string(),
                }
            } else {
                id.to_string()
            });
        }
    }
    if let Some(services) = p.get("Service").and_then(strings) {
        who.extend(services.iter().map(|s| format!("The AWS service {s}")));
    }
    if let Some(ids) = p.get("CanonicalUser").and_then(strings) {
        who.extend(ids.iter().map(|s| format!("Canonical user {s}")));
    }
    if who.is_empty() {
        "Nobody named".into()
    } else {
        join(who)
    }
}

fn action_words(a: &str) -> String {
    match a.strip_prefix("s3:").unwrap_or(a) {
        "*" => "do anything".into(),
        "GetObject" => "read objects".into(),
        "PutObject" => "write objects".into(),
        "DeleteObject" => "delete objects".into(),
        "ListBucket" => "list the bucket".into(),
        "GetObjectVersion" => "read older versions".into(),
        "AbortMultipartUpload" => "abort uploads".into(),
        other => format!("use s3:{other}"),
    }
}

fn resource_words(r: &str, bucket: &str) -> String {
    let rest = r.strip_prefix("arn:aws:s3:::").unwrap_or(r);
    match rest.strip_prefix(bucket) {
        // The bucket itself, or all of its objects: the action says which.
        Some("") | Some("/*") => String::new(),
        Some(tail) => {
            let path = tail.trim_start_matches('/');
            match path.strip_suffix('*') {
                Some(prefix) => format!("under {prefix}"),
                None => format!("at {path}"),
            }
        }
        None => format!("on {r}"),
    }
}

fn condition_words(c: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    for (op, body) in c {
        let Some(body) = body.as_object() else { continue };
        for (key, value) in body {
            let values = strings(value).map(|v| v.join(", ")).unwrap_or_else(|| value.to_string());
            parts.push(match (op.as_str(), key.as_str()) {
                ("Bool", "aws:SecureTransport") if values == "false" => "over plain HTTP (not TLS)".to_string(),
                ("Bool", "aws:SecureTransport") => "over TLS".to_string(),
                ("IpAddress", "aws:SourceIp") => format!("from {values}"),
                ("NotIpAddress", "aws:SourceIp") => format!("from addresses other than {values}"),
                ("StringEquals", "aws:SourceVpce") => format!("through VPC endpoint {values}"),
                ("StringNotEquals", "aws:SourceVpce") => format!("other than through VPC endpoint {values}"),
                ("StringNotEquals", "s3:x-amz-server-side-encryption") => format!("unless encrypted with {values}"),
                ("Null", k) if values == "true" && k.starts_with("s3:RequestObjectTag/") => format!("without the tag {}", k.trim_start_matches("s3:RequestObjectTag/")),
                (op, k) => format!("when {k} {op} {values}"),
            });
        }
    }
    join(parts)
}

fn join(items: Vec<String>) -> String {
    match items.len() {
        0 => String::new(),
        1 => items.into_iter().next().unwrap_or_default(),
        _ => {
            let (last, rest) = items.split_last().expect("two or more");
            format!("{} and {last}", rest.join(", "))
        }
    }
}

/// A policy by intent: each makes statements that `merge` adds to the bucket's policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Template {
    /// Anyone can read objects under the prefix ("" for the whole bucket).
    PublicRead { prefix: String },
    /// Another AWS account can list and read (and with `read_write`, write and delete).
    CrossAccount { account: String, read_write: bool },
    /// Refuse anything not over TLS.
    RequireTls,
    /// Refuse uploads not encrypted with SSE-KMS (with this key, when given).
    RequireKms { key: Option<String> },
    /// Refuse anything from outside these address ranges.
    SourceIp { cidrs: Vec<String> },
    /// Refuse uploads that lack this tag.
    RequiredTag { key: String },
}

impl Template {
    /// A template by its CLI name, with the values it needs.
    pub fn named(name: &str, prefix: Option<&str>, account: Option<&str>, read_write: bool, key: Option<&str>, cidrs: &[String], tag_key: Option<&str>) -> Result<Template> {
        let need = |v: Option<&str>, flag: &str| v.map(str::to_string).ok_or_else(|| Error::invalid(format!("The {name} template needs {flag}.")));
        match name {
            "public-read" => Ok(Template::PublicRead { prefix: prefix.unwrap_or("").trim_start_matches('/').to_string() }),
            "cross-account" => {
                let account = need(account, "--account ID")?;
                if !is_account_id(&account) {
                    return Err(Error::invalid(format!("\"{account}\" isn't an AWS account id: those are 12 digits.")));
                }
                Ok(Template::CrossAccount { account, read_write })
            }
            "require-tls" => Ok(Template::RequireTls),
            "require-kms" => Ok(Template::RequireKms { key: key.map(str::to_string) }),
            "source-ip" => {
                if cidrs.is_empty() {
                    return Err(Error::invalid("The source-ip template needs --cidr (one or more address ranges, as 203.0.113.0/24)."));
                }
                for c in cidrs {
                    if !cidr_ok(c) {
                        return Err(Error::invalid(format!("\"{c}\" isn't an address range: write it as 203.0.113.0/24 or 2001:db8::/32.")));
                    }
                }
                Ok(Template::SourceIp { cidrs: cidrs.to_vec() })
            }
            "required-tag" => Ok(Template::RequiredTag { key: need(tag_key, "--tag-key K")? }),
            other => Err(Error::invalid(format!(
                "\"{other}\" isn't a template: use public-read, cross-account, require-tls, require-kms, source-ip or required-tag."
            ))),
        }
    }

    /// Checks the values a form gave (the CLI's are checked by `named`).
    pub fn checked(self) -> Result<Template> {
        match &self {
            Template::CrossAccount { account, .. } if !is_account_id(account) => {
                Err(Error::invalid(format!("\"{account}\" isn't an AWS account id: those are 12 digits.")))
            }
            Template::SourceIp { cidrs } if cidrs.is_empty() => Err(Error::invalid("Give at least one address range, as 203.0.113.0/24.")),
            Template::SourceIp { cidrs } => match cidrs.iter().find(|c| !cidr_ok(c)) {
                Some(c) => Err(Error::invalid(format!("\"{c}\" isn't an address range: write it as 203.0.113.0/24 or 2001:db8::/32."))),
                None => Ok(self),
            },
            Template::RequiredTag { key } if key.trim().is_empty() => Err(Error::invalid("Name the tag key uploads must carry.")),
            _ => Ok(self),
        }
    }

    /// The statements, each with a Sid naming the template (so applying it again replaces them).
    pub fn statements(&self, bucket: &str) -> Vec<Value> {
        let arn = format!("arn:aws:s3:::{bucket}");
        let objects = format!("{arn}/*");
        match self {
            Template::PublicRead { prefix } => vec![json!({
                "Sid": format!("SatchelPublicRead{}", sid_part(prefix)),
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("{arn}/{prefix}*"),
            })],
            Template::CrossAccount { account, read_write } => {
                let mut object_actions = vec!["s3:GetObject"];
                if *read_write {
                    object_actions.extend(["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]);
                }
                vec![
                    json!({"Sid": format!("SatchelAccount{account}List"), "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "s3:ListBucket", "Resource": arn}),
                    json!({"Sid": format!("SatchelAccount{account}Objects"), "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": object_actions, "Resource": objects}),
                ]
            }
            Template::RequireTls => vec![json!({
                "Sid": "SatchelRequireTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [arn, objects], "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            })],
            Template::RequireKms { key } => {
                let mut out = vec![json!({
                    "Sid": "SatchelRequireKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": objects,
                    "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
                })];
                if let Some(key) = key {
                    out.push(json!({
                        "Sid": "SatchelRequireKmsKey", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": objects,
                        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key}},
                    }));
                }
                out
            }
            Template::SourceIp { cidrs } => vec![json!({
                "Sid": "SatchelSourceIp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, objects],
                "Condition": {"NotIpAddress": {"aws:SourceIp": cidrs}},
            })],
            Template::RequiredTag { key } => vec![json!({
                "Sid": format!("SatchelRequiredTag{}", sid_part(key)), "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": objects,
                "Condition": {"Null": {format!("s3:RequestObjectTag/{key}"): "true"}},
            })],
        }
    }
}

/// Letters and digits of `s` (a Sid takes no others).
fn sid_part(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

fn cidr_ok(c: &str) -> bool {
    let Some((ip, bits)) = c.split_once('/') else { return false };
    match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
        (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
        (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
        _ => false,
    }
}

/// The bucket's policy with `added` statements in it: a statement with the same Sid is replaced,
/// the others kept. Pretty-printed, as it is shown and sent.
pub fn merge(current: Option<&str>, added: Vec<Value>) -> String {
    let mut policy = current.and_then(|t| serde_json::from_str::<Value>(t).ok()).filter(Value::is_object).unwrap_or_else(|| json!({"Version": "2012-10-17"}));
    let mut list: Vec<Value> = match policy.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => Vec::new(),
    };
    for st in added {
        let sid = st.get("Sid").cloned();
        match list.iter_mut().find(|s| sid.is_some() && s.get("Sid") == sid.as_ref()) {
            Some(slot) => *slot = st,
            None => list.push(st),
        }
    }
    policy["Version"] = json!("2012-10-17");
    policy["Statement"] = Value::Array(list);
    pretty(&policy)
}

pub fn pretty(policy: &Value) -> String {
    serde_json::to_string_pretty(policy).unwrap_or_default()
}

/// A line diff of two policies as shown (`-` old, `+` new, two spaces unchanged).
pub fn diff(old: &str, new: &str) -> String {
    let normal = |t: &str| serde_json::from_str::<Value>(t).map(|v| pretty(&v)).unwrap_or_else(|_| t.to_string());
    let (old, new) = (normal(old), normal(new));
    similar::TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|c| {
            let sign = match c.tag() {
                similar::ChangeTag::Delete => "-",
                similar::ChangeTag::Insert => "+",
                similar::ChangeTag::Equal => " ",
            };
            format!("{sign} {}", c.value().trim_end_matches('\n'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: &str = "reports";

    fn lines(text: &str) -> Vec<(u32, String)> {
        validate(text, BUCKET).unwrap_err().into_iter().map(|p| (p.line, p.message)).collect()
    }

    #[test]
    fn every_template_makes_a_valid_policy_said_in_words() {
        let cases = [
            (Template::PublicRead { prefix: "public/".into() }, "Anyone on the internet can read objects under public/."),
            (Template::CrossAccount { account: "111122223333".into(), read_write: false }, "Account 111122223333 can list the bucket."),
            (Template::RequireTls, "Nobody can do anything over plain HTTP (not TLS)."),
            (Template::RequireKms { key: None }, "Nobody can write objects unless encrypted with aws:kms."),
            (Template::SourceIp { cidrs: vec!["203.0.113.0/24".into()] }, "Nobody can do anything from addresses other than 203.0.113.0/24."),
            (Template::RequiredTag { key: "project".into() }, "Nobody can write objects without the tag project."),
        ];
        for (t, first) in cases {
            let text = merge(None, t.statements(BUCKET));
            let policy = validate(&text, BUCKET).unwrap_or_else(|p| panic!("{t:?}: {p:?}"));
            assert_eq!(summarize(&policy, BUCKET)[0], first, "{t:?}");
        }
    }

    #[test]
    fn merging_replaces_a_template_applied_again_and_keeps_the_rest() {
        let tls = merge(None, Template::RequireTls.statements(BUCKET));
        let both = merge(Some(&tls), Template::PublicRead { prefix: "a/".into() }.statements(BUCKET));
        let again = merge(Some(&both), Template::PublicRead { prefix: "a/".into() }.statements(BUCKET));
        assert_eq!(both, again);
        assert_eq!(statements(&serde_json::from_str(&again).unwrap()).len(), 2);
        assert!(is_public(&serde_json::from_str(&both).unwrap()));
        assert!(!is_public(&serde_json::from_str(&tls).unwrap()), "a Deny with a condition grants nothing");
        assert!(diff(&tls, &both).lines().any(|l| l.starts_with("+ ") && l.contains("SatchelPublicReada")));
    }

    #[test]
    fn each_problem_is_named_on_its_line() {
        let text = r#"{
  "Version": "2012-10-18",
  "Statement": [
    {
      "Effect": "Alow",
      "Principal": {"AWS": "11112222333"},
      "Action": ["s3:GetObjekt", "s3:Get*"],
      "Resource": "arn:aws:s3:::someone-else/*",
      "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}
    }
  ]
}"#;
        let got = lines(text);
        let at: Vec<u32> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(at, [2, 5, 6, 7, 8, 9], "{got:?}");
        assert!(got[1].1.contains("\"Allow\" or \"Deny\""));
        assert!(got[2].1.contains("12-digit account id"));
        assert!(got[3].1.contains("s3:GetObjekt"));
        assert!(got[4].1.contains("isn't this bucket"));
        assert!(got[5].1.contains("StringEqualz"));
        assert_eq!(lines("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}")[0].0, 4);
        assert!(lines(&format!("{{\"Version\":\"2012-10-17\",\"Statement\":[],\"x\":\"{}\"}}", "a".repeat(MAX_POLICY_BYTES)))[0].1.contains("at most 20 KB"));
    }

    #[test]
    fn templates_refuse_bad_values() {
        let named = |name: &str, account: Option<&str>, cidrs: &[String]| Template::named(name, None, account, false, None, cidrs, None);
        assert!(named("cross-account", Some("11112222333"), &[]).unwrap_err().message.contains("12 digits"));
        assert!(named("source-ip", None, &["300.1.1.1/8".into()]).unwrap_err().message.contains("isn't an address range"));
        assert!(named("make-public", None, &[]).unwrap_err().message.contains("isn't a template"));
        assert!(named("required-tag", None, &[]).unwrap_err().message.contains("--tag-key"));
    }
}

/// The bucket's policy as stored; `None` when it has none.
pub async fn read(s3: &crate::connect::client::S3, bucket: &str) -> Result<Option<String>> {
    match s3.client.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => Ok(out.policy().map(str::to_string)),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchBucketPolicy") => Ok(None),
        Err(e) => Err(crate::connect::classify::classify(&e, s3.attempt("read the bucket policy"))),
    }
}

pub async fn apply(s3: &crate::connect::client::S3, bucket: &str, text: &str) -> Result<()> {
    s3.client
        .put_bucket_policy()
        .bucket(bucket)
        .policy(text)
        .send()
        .await
        .map(drop)
        .map_err(|e| crate::connect::classify::classify(&e, s3.attempt("set the bucket policy")))
}

pub async fn remove(s3: &crate::connect::client::S3, bucket: &str) -> Result<()> {
    s3.client
        .delete_bucket_policy()
        .bucket(bucket)
        .send()
        .await
        .map(drop)
        .map_err(|e| crate::connect::classify::classify(&e, s3.attempt("delete the bucket policy")))
}
