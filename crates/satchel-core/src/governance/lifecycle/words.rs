//! Rules in plain sentences, and the names storage classes go by.

use super::{LifecycleRule, LifecycleScope, StorageClassName, Transition};

impl StorageClassName {
    /// The name S3 uses (`GLACIER_IR`).
    pub fn s3_name(self) -> &'static str {
        match self {
            StorageClassName::StandardIa => "STANDARD_IA",
            StorageClassName::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClassName::OnezoneIa => "ONEZONE_IA",
            StorageClassName::GlacierIr => "GLACIER_IR",
            StorageClassName::Glacier => "GLACIER",
            StorageClassName::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    pub fn from_s3_name(name: &str) -> Option<StorageClassName> {
        Self::ALL.into_iter().find(|c| c.s3_name() == name)
    }

    /// The name people know it by ("Glacier Flexible Retrieval").
    pub fn human(self) -> &'static str {
        match self {
            StorageClassName::StandardIa => "Standard-IA",
            StorageClassName::IntelligentTiering => "Intelligent-Tiering",
            StorageClassName::OnezoneIa => "One Zone-IA",
            StorageClassName::GlacierIr => "Glacier Instant Retrieval",
            StorageClassName::Glacier => "Glacier Flexible Retrieval",
            StorageClassName::DeepArchive => "Glacier Deep Archive",
        }
    }
}

impl LifecycleScope {
    pub fn is_whole_bucket(&self) -> bool {
        self.prefix.as_deref().is_none_or(str::is_empty) && self.tags.is_empty() && self.size_greater_than.is_none() && self.size_less_than.is_none()
    }

    /// "objects under logs/ tagged env=dev, larger than 1.0 MB"; "all objects".
    pub fn describe(&self) -> String {
        if self.is_whole_bucket() {
            return "all objects".into();
        }
        let mut s = "objects".to_string();
        if let Some(p) = self.prefix.as_deref().filter(|p| !p.is_empty()) {
            s.push_str(&format!(" under {p}"));
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect();
            s.push_str(&format!(" tagged {}", tags.join(" and ")));
        }
        let sizes: Vec<String> = [
            self.size_greater_than.map(|n| format!("larger than {}", crate::format::bytes(n))),
            self.size_less_than.map(|n| format!("smaller than {}", crate::format::bytes(n))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !sizes.is_empty() {
            s.push_str(&format!(" {}", sizes.join(" and ")));
        }
        s
    }

    /// The prefix part alone, for things that have no tags or size (delete markers, uploads).
    fn under(&self) -> String {
        self.prefix.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" under {p}")).unwrap_or_default()
    }
}

impl LifecycleRule {
    /// The rule in words: "Objects under logs/ move to Glacier Flexible Retrieval after 90 days and
    /// are deleted after 365 days."
    pub fn sentence(&self) -> String {
        let mut parts = Vec::new();
        let when = |days: Option<u32>, date: &Option<String>| match (days, date) {
            (Some(d), _) => after_days(d),
            (None, Some(date)) => format!("on {date}"),
            (None, None) => "at no set time".into(),
        };
        let mut current = Vec::new();
        let mut moves: Vec<&Transition> = self.transitions.iter().collect();
        moves.sort_by_key(|t| (t.days, t.date.clone()));
        for (i, t) in moves.iter().enumerate() {
            let verb = if i == 0 { "move to" } else { "then to" };
            current.push(format!("{verb} {} {}", t.class.human(), when(t.days, &t.date)));
        }
        if let Some(e) = &self.expiration {
            current.push(format!("are deleted {}", when(e.days, &e.date)));
        }
        if !current.is_empty() {
            parts.push(format!("{} {}.", capitalize(&self.scope.describe()), join_and(&current)));
        }

        let mut older = Vec::new();
        let whose = if self.scope.is_whole_bucket() { String::new() } else { format!(" of {}", self.scope.describe()) };
        for t in &self.noncurrent_transitions {
            let kept = t.newer_versions.map(|n| format!(" (the newest {n} stay)")).unwrap_or_default();
            older.push(format!("move to {} {} after they stop being current{kept}", t.class.human(), plural_days(t.days)));
        }
        if let Some(e) = &self.noncurrent_expiration {
            let kept = e.keep_newest.map(|n| format!(", keeping the newest {n}")).unwrap_or_default();
            let subject = if older.is_empty() { "are deleted" } else { "older versions are deleted" };
            older.push(format!("{subject} after {}{kept}", plural_days(e.days)));
        }
        if !older.is_empty() {
            parts.push(format!("Older versions{whose} {}.", older.join("; ")));
        }
        if self.expired_delete_markers {
            parts.push(format!("Expired delete markers{} are removed.", self.scope.under()));
        }
        if let Some(d) = self.abort_incomplete_after_days {
            parts.push(format!("Unfinished uploads{} are aborted {} after they start.", self.scope.under(), plural_days(d)));
        }
        if parts.is_empty() {
            parts.push(format!("Does nothing to {}.", self.scope.describe()));
        }
        let mut s = parts.join(" ");
        if !self.enabled {
            s = format!("(Disabled) {s}");
        }
        if let Some(other) = &self.other {
            s.push_str(&format!(" Also has settings Satchel doesn't show: {other}"));
        }
        s
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// "a, b and c".
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn plural_days(n: u32) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

pub(super) fn after_days(d: u32) -> String {
    format!("after {}", plural_days(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::lifecycle::fixtures::*;
    use crate::governance::lifecycle::{parse_document, NoncurrentExpiration};

    #[test]
    fn rules_in_words() {
        let rules = parse_document(CLI_DOCUMENT).unwrap();
        assert_eq!(
            rules[0].sentence(),
            "Objects under logs/ move to Standard-IA after 30 days, then to Glacier Flexible Retrieval after 90 days and are deleted after 365 days. \
             Older versions of objects under logs/ move to Glacier Instant Retrieval 30 days after they stop being current (the newest 2 stay); \
             older versions are deleted after 90 days, keeping the newest 3."
        );
        assert_eq!(rules[1].sentence(), "(Disabled) Objects under tmp/ tagged env=dev larger than 1.0 MB are deleted on 2030-01-01T00:00:00Z.");
        assert_eq!(rules[2].sentence(), "Expired delete markers under old/ are removed.");
        assert_eq!(rules[3].sentence(), "Objects tagged archive=yes move to Glacier Deep Archive after 0 days.");
        assert_eq!(rules[4].sentence(), "Unfinished uploads are aborted 7 days after they start.");
        assert_eq!(expiring("all", 1).sentence(), "All objects are deleted after 1 day.");
        let old = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 90, keep_newest: Some(3) }), ..rule("old") };
        assert_eq!(old.sentence(), "Older versions are deleted after 90 days, keeping the newest 3.");
        let small = LifecycleRule { scope: LifecycleScope { size_less_than: Some(128_000), ..LifecycleScope::default() }, ..expiring("s", 7) };
        assert_eq!(small.sentence(), "Objects smaller than 128.0 kB are deleted after 7 days.");
    }
}
