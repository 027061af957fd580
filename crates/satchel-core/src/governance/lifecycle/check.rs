//! S3's rules, checked before any request, and advice on rules that overlap.

use std::collections::HashSet;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

use super::words::{after_days, join_and, plural_days};
use super::{LifecycleRule, LifecycleScope, StorageClassName, IA_MIN_DAYS, IA_STAY_DAYS, MAX_ID_CHARS, MAX_NEWER_VERSIONS, MAX_RULES};
use crate::error::{Error, Result};
use crate::tags::{validate_tags, TagTarget};

impl StorageClassName {
    fn warmth_rank(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// Whether a rule can move objects from `self` on to `next`. User Guide, "Supported lifecycle
    /// transitions": only to colder classes, and One Zone-IA not to Glacier Instant Retrieval.
    pub fn can_move_to(self, next: StorageClassName) -> bool {
        next.warmth_rank() > self.warmth_rank() && !(self == StorageClassName::OnezoneIa && next == StorageClassName::GlacierIr)
    }

    fn infrequent_access(self) -> bool {
        matches!(self, StorageClassName::StandardIa | StorageClassName::OnezoneIa)
    }
}

/// Checks every rule against Amazon S3's rules; the first problem comes back as one sentence that
/// names the rule and what to change. An empty list is fine (it removes the rules).
pub fn check(rules: &[LifecycleRule]) -> Result<()> {
    if rules.len() > MAX_RULES {
        return Err(refuse(format!("A bucket takes at most {MAX_RULES} lifecycle rules; these are {}.", rules.len())));
    }
    let mut ids = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = label(i, rule);
        if let Some(id) = rule.id.as_deref().filter(|id| !id.is_empty()) {
            if id.chars().count() > MAX_ID_CHARS {
                return Err(refuse(format!("{at}: an ID is at most {MAX_ID_CHARS} characters; shorten it.")));
            }
            // S3 refuses a configuration where two rules share an ID.
            if !ids.insert(id) {
                return Err(refuse(format!("{at}: another rule has the same ID; give each rule its own.")));
            }
        }
        check_rule(rule, &at)?;
    }
    Ok(())
}

fn refuse(message: String) -> Error {
    Error::invalid(format!("{message} Nothing was changed."))
}

/// `Rule "logs"` by ID, else `Rule 2` by position.
pub(super) fn label(i: usize, rule: &LifecycleRule) -> String {
    match rule.id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => format!("Rule \"{id}\""),
        None => format!("Rule {}", i + 1),
    }
}

fn check_rule(rule: &LifecycleRule, at: &str) -> Result<()> {
    if let Some(other) = &rule.other {
        return Err(refuse(format!(
            "{at} has settings Satchel can't send ({other}): remove them, or change this rule with the AWS CLI."
        )));
    }
    if !has_action(rule) {
        // S3 refuses a rule without an action (MalformedXML).
        return Err(refuse(format!(
            "{at} does nothing: give it an action, such as deleting objects after some days or aborting unfinished uploads."
        )));
    }
    check_scope(&rule.scope, at)?;

    // User Guide, "Examples of S3 Lifecycle configurations": Date and Days can't be used in the same rule.
    let uses_days = rule.transitions.iter().any(|t| t.days.is_some()) || rule.expiration.as_ref().is_some_and(|e| e.days.is_some());
    let uses_dates = rule.transitions.iter().any(|t| t.date.is_some()) || rule.expiration.as_ref().is_some_and(|e| e.date.is_some());
    if uses_days && uses_dates {
        return Err(refuse(format!("{at} mixes days and dates: S3 takes one or the other in a rule. Use days everywhere, or dates everywhere.")));
    }

    let mut moves = Vec::new();
    for t in &rule.transitions {
        let class = t.class.human();
        let when = match (t.days, t.date.as_deref()) {
            (Some(_), Some(_)) => return Err(refuse(format!("{at}: the move to {class} has both days and a date; give one."))),
            (None, None) => return Err(refuse(format!("{at}: the move to {class} says no time; give days or a date."))),
            (Some(d), None) => d,
            (None, Some(date)) => day_of(date, at)?,
        };
        if let Some(d) = t.days.filter(|d| t.class.infrequent_access() && *d < IA_MIN_DAYS) {
            return Err(refuse(format!(
                "{at} moves objects to {class} after {}: Amazon S3 moves objects there at {IA_MIN_DAYS} days old at the earliest. Change it to {IA_MIN_DAYS} days or more.",
                plural_days(d)
            )));
        }
        moves.push((when, t.class, t.date.is_some()));
    }
    check_waterfall(&mut moves, at, "objects")?;

    if let Some(e) = &rule.expiration {
        let when = match (e.days, e.date.as_deref()) {
            (Some(_), Some(_)) => return Err(refuse(format!("{at}: the deletion has both days and a date; give one."))),
            (None, None) => return Err(refuse(format!("{at}: the deletion says no time; give days or a date."))),
            // API reference, LifecycleExpiration.Days: "a non-zero positive integer".
            (Some(0), None) => return Err(refuse(format!("{at} deletes objects after 0 days: give 1 day or more."))),
            (Some(d), None) => d,
            (None, Some(date)) => day_of(date, at)?,
        };
        // S3 refuses a deletion no later than a move of the same rule (InvalidArgument "'Days' in the
        // Expiration action ... must be greater than 'Days' in the Transition action").
        if let Some((last, class, by_date)) = moves.last().filter(|(day, ..)| *day >= when) {
            let (deleted, moved) = if *by_date { (on_date(when), on_date(*last)) } else { (after_days(when), after_days(*last)) };
            return Err(refuse(format!(
                "{at} deletes objects {deleted}, no later than it moves them to {} {moved}: delete them later, or drop the move.",
                class.human()
            )));
        }
        if rule.expired_delete_markers {
            // API reference, LifecycleExpiration.ExpiredObjectDeleteMarker: not with Days or Date.
            return Err(refuse(format!(
                "{at} both deletes objects and removes expired delete markers: S3 takes these in separate rules. Move the delete-marker cleanup to a rule of its own."
            )));
        }
    }
    if rule.expired_delete_markers && !rule.scope.tags.is_empty() {
        // User Guide, "Examples of S3 Lifecycle configurations": with ExpiredObjectDeleteMarker the
        // rule can't have a tag filter (delete markers have no tags).
        return Err(refuse(format!(
            "{at} removes expired delete markers but applies to tagged objects only: delete markers have no tags. Remove the tags from this rule, or move the delete-marker cleanup to a rule without tags."
        )));
    }

    let mut old_moves = Vec::new();
    for t in &rule.noncurrent_transitions {
        let class = t.class.human();
        if t.class.infrequent_access() && t.days < IA_MIN_DAYS {
            return Err(refuse(format!(
                "{at} moves older versions to {class} {} after they stop being current: Amazon S3 moves them there at {IA_MIN_DAYS} days at the earliest. Change it to {IA_MIN_DAYS} days or more.",
                plural_days(t.days)
            )));
        }
        check_newer_versions(t.newer_versions, at)?;
        old_moves.push((t.days, t.class, false));
    }
    check_waterfall(&mut old_moves, at, "older versions")?;
    if let Some(e) = &rule.noncurrent_expiration {
        // API reference, NoncurrentVersionExpiration.NoncurrentDays: "a non-zero positive integer".
        if e.days == 0 {
            return Err(refuse(format!("{at} deletes older versions 0 days after they stop being current: give 1 day or more.")));
        }
        check_newer_versions(e.keep_newest, at)?;
    }

    if let Some(days) = rule.abort_incomplete_after_days {
        if days == 0 {
            // S3 refuses 0 ("DaysAfterInitiation ... must be a positive integer").
            return Err(refuse(format!("{at} aborts unfinished uploads 0 days after they start: give 1 day or more.")));
        }
        if !rule.scope.tags.is_empty() {
            // S3 refuses it: "AbortIncompleteMultipartUpload cannot be specified with Tags" (uploads
            // in progress have no tags yet).
            return Err(refuse(format!(
                "{at} aborts unfinished uploads but applies to tagged objects only: unfinished uploads have no tags. Remove the tags from this rule, or put the abort in a rule without tags."
            )));
        }
    }
    Ok(())
}

fn has_action(rule: &LifecycleRule) -> bool {
    !rule.transitions.is_empty()
        || !rule.noncurrent_transitions.is_empty()
        || rule.expiration.is_some()
        || rule.expired_delete_markers
        || rule.noncurrent_expiration.is_some()
        || rule.abort_incomplete_after_days.is_some()
}

fn check_scope(s: &LifecycleScope, at: &str) -> Result<()> {
    let mut keys = HashSet::new();
    for t in &s.tags {
        validate_tags(std::slice::from_ref(t), TagTarget::Object).map_err(|e| refuse(format!("{at}: {}", e.message)))?;
        // User Guide, "Adding filters to Lifecycle rules": each tag key must be unique.
        if !keys.insert(t.key.as_str()) {
            return Err(refuse(format!("{at} names the tag \"{}\" twice: give each tag key once.", t.key)));
        }
    }
    if let (Some(gt), Some(lt)) = (s.size_greater_than, s.size_less_than) {
        // User Guide, "Adding filters to Lifecycle rules": a size range, the minimum below the maximum.
        if gt >= lt {
            return Err(refuse(format!(
                "{at} applies to objects larger than {} and smaller than {}: no object is both. Make the minimum size smaller than the maximum.",
                crate::format::bytes(gt),
                crate::format::bytes(lt)
            )));
        }
    }
    Ok(())
}

fn check_newer_versions(n: Option<u32>, at: &str) -> Result<()> {
    match n {
        Some(n) if n == 0 || n > MAX_NEWER_VERSIONS => Err(refuse(format!(
            "{at} keeps the newest {n} older versions: give a number from 1 to {MAX_NEWER_VERSIONS} (or leave it out)."
        ))),
        _ => Ok(()),
    }
}

/// Moves (day, class, by date) happen warmer class first, on different days, and leave objects in
/// Standard-IA or One Zone-IA at least 30 days.
fn check_waterfall(moves: &mut [(u32, StorageClassName, bool)], at: &str, what: &str) -> Result<()> {
    moves.sort_by_key(|(day, class, _)| (*day, class.warmth_rank()));
    for pair in moves.windows(2) {
        let ((d1, c1, by_date), (d2, c2, _)) = (pair[0], pair[1]);
        let when = |d: u32| if by_date { on_date(d) } else { after_days(d) };
        if d1 == d2 {
            return Err(refuse(format!(
                "{at} moves {what} to {} and to {} at the same time: give the colder class a later time.",
                c1.human(),
                c2.human()
            )));
        }
        if c1 == StorageClassName::OnezoneIa && c2 == StorageClassName::GlacierIr {
            return Err(refuse(format!(
                "{at} moves {what} from One Zone-IA to Glacier Instant Retrieval, which Amazon S3 doesn't do: from One Zone-IA they can go to Glacier Flexible Retrieval or Glacier Deep Archive."
            )));
        }
        if !c1.can_move_to(c2) {
            let order: Vec<&str> = StorageClassName::ALL.iter().map(|c| c.human()).collect();
            return Err(refuse(format!(
                "{at} moves {what} to {} {} and then to {} {}, but they only move to colder classes ({}, in that order): give the colder class the later time.",
                c1.human(),
                when(d1),
                c2.human(),
                when(d2),
                order.join(", ")
            )));
        }
        if c1.infrequent_access() && !by_date && d2 - d1 < IA_STAY_DAYS {
            return Err(refuse(format!(
                "{at} moves {what} out of {} {} after moving them in: Amazon S3 keeps them there at least {IA_STAY_DAYS} days. Move them to {} after {} or later.",
                c1.human(),
                plural_days(d2 - d1),
                c2.human(),
                plural_days(d1 + IA_STAY_DAYS)
            )));
        }
    }
    Ok(())
}

fn on_date(day: u32) -> String {
    let dt = DateTime::from_secs(i64::from(day) * 86_400);
    let text = dt.fmt(Format::DateTime).unwrap_or_default();
    format!("on {}", text.get(..10).unwrap_or(&text))
}

/// A date as S3 takes it (ISO 8601, midnight UTC), as days since 1970-01-01.
fn day_of(date: &str, at: &str) -> Result<u32> {
    let bad = || refuse(format!("{at}: \"{date}\" isn't a date S3 takes: write it as 2030-01-01 (S3 acts at midnight UTC)."));
    let dt = parse_date(date).ok_or_else(bad)?;
    // API reference, Transition.Date and LifecycleExpiration.Date: "The time is always midnight UTC."
    if dt.secs().rem_euclid(86_400) != 0 || dt.subsec_nanos() != 0 {
        return Err(bad());
    }
    u32::try_from(dt.secs() / 86_400).map_err(|_| bad())
}

pub(super) fn parse_date(date: &str) -> Option<DateTime> {
    let full = if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_string() };
    DateTime::from_str(&full, Format::DateTime).ok()
}

/// Advice, not errors: enabled rules whose objects overlap and that do the same kind of thing,
/// where which one applies is up to Amazon S3's precedence.
pub fn overlaps(rules: &[LifecycleRule]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            if !a.enabled || !b.enabled || !scopes_meet(&a.scope, &b.scope) {
                continue;
            }
            let both = |f: fn(&LifecycleRule) -> bool| f(a) && f(b);
            let mut doing = Vec::new();
            if both(|r| r.expiration.is_some()) {
                doing.push("delete them".to_string());
            }
            if both(|r| !r.transitions.is_empty()) {
                doing.push("move them to other storage classes".into());
            }
            if both(|r| r.noncurrent_expiration.is_some()) {
                doing.push("delete their older versions".into());
            }
            if both(|r| !r.noncurrent_transitions.is_empty()) {
                doing.push("move their older versions".into());
            }
            if a.abort_incomplete_after_days.is_some() && b.abort_incomplete_after_days.is_some() && a.abort_incomplete_after_days != b.abort_incomplete_after_days {
                doing.push("abort their unfinished uploads, after different days".into());
            }
            if doing.is_empty() {
                continue;
            }
            let narrower = if a.scope.prefix.as_deref().unwrap_or("").len() >= b.scope.prefix.as_deref().unwrap_or("").len() { &a.scope } else { &b.scope };
            out.push(format!(
                "{} and {} both apply to {} and both {}: where rules overlap, Amazon S3 picks one by its own precedence. Keep one rule per set of objects to be sure which applies.",
                label(i, a),
                label(j, b).replacen("Rule", "rule", 1),
                narrower.describe(),
                join_and(&doing)
            ));
        }
    }
    out
}

/// Whether some object could fall under both scopes: nested prefixes, no tag key with two values,
/// size ranges that meet.
fn scopes_meet(a: &LifecycleScope, b: &LifecycleScope) -> bool {
    let (pa, pb) = (a.prefix.as_deref().unwrap_or(""), b.prefix.as_deref().unwrap_or(""));
    if !pa.starts_with(pb) && !pb.starts_with(pa) {
        return false;
    }
    if a.tags.iter().any(|x| b.tags.iter().any(|y| x.key == y.key && x.value != y.value)) {
        return false;
    }
    let above = a.size_greater_than.max(b.size_greater_than);
    let below = match (a.size_less_than, b.size_less_than) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    // Sizes strictly between `above` and `below` exist only if they're 2 or more apart.
    match (above, below) {
        (Some(lo), Some(hi)) => hi > lo.saturating_add(1),
        (None, Some(hi)) => hi > 0,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::lifecycle::fixtures::*;
    use crate::governance::lifecycle::{abort_incomplete_rule, Expiration, NoncurrentExpiration, NoncurrentTransition, Transition};

    #[test]
    fn check_counts_rules_and_ids() {
        let many: Vec<LifecycleRule> = (0..1001).map(|i| expiring(&format!("r{i}"), 1)).collect();
        assert!(check(&many[..1000]).is_ok());
        refusal(&many, "at most 1000 lifecycle rules", "these are 1001");
        refusal(&[expiring(&"x".repeat(256), 1)], "an ID is at most 255 characters", "shorten it");
        refusal(&[expiring("a", 1), expiring("a", 2)], "Rule \"a\": another rule has the same ID", "give each rule its own");
        refusal(&[expiring("a", 1), LifecycleRule { id: None, ..LifecycleRule::default() }], "Rule 2 does nothing", "give it an action");
        assert!(check(&[]).is_ok(), "no rules: remove them");
    }

    #[test]
    fn check_wants_days_of_one_or_more() {
        refusal(&[expiring("logs", 0)], "Rule \"logs\" deletes objects after 0 days", "give 1 day or more");
        let old = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 0, keep_newest: None }), ..rule("old") };
        refusal(&[old], "Rule \"old\" deletes older versions 0 days", "give 1 day or more");
        let abort = LifecycleRule { abort_incomplete_after_days: Some(0), ..rule("up") };
        refusal(&[abort], "Rule \"up\" aborts unfinished uploads 0 days", "give 1 day or more");
        let empty = LifecycleRule { expiration: Some(Expiration::default()), ..rule("e") };
        refusal(&[empty], "Rule \"e\": the deletion says no time", "give days or a date");
        // Archive classes take day 0.
        let now = LifecycleRule { transitions: vec![moving(0, StorageClassName::Glacier)], ..rule("now") };
        check(&[now]).unwrap();
    }

    #[test]
    fn check_keeps_infrequent_access_to_thirty_days() {
        let early = LifecycleRule { transitions: vec![moving(29, StorageClassName::OnezoneIa)], ..rule("ia") };
        refusal(&[early], "Rule \"ia\" moves objects to One Zone-IA after 29 days", "Change it to 30 days or more");
        let ok = LifecycleRule { transitions: vec![moving(30, StorageClassName::StandardIa)], ..rule("ia") };
        check(&[ok]).unwrap();
        let old = LifecycleRule { noncurrent_transitions: vec![NoncurrentTransition { days: 7, class: StorageClassName::StandardIa, newer_versions: None }], ..rule("v") };
        refusal(&[old], "Rule \"v\" moves older versions to Standard-IA 7 days after", "Change it to 30 days or more");
        let brief = LifecycleRule { transitions: vec![moving(30, StorageClassName::StandardIa), moving(45, StorageClassName::Glacier)], ..rule("w") };
        refusal(&[brief], "Rule \"w\" moves objects out of Standard-IA 15 days after moving them in", "Move them to Glacier Flexible Retrieval after 60 days or later");
    }

    #[test]
    fn check_wants_moves_warmer_to_colder() {
        let backwards = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier), moving(120, StorageClassName::StandardIa)], ..rule("b") };
        refusal(&[backwards], "Rule \"b\" moves objects to Glacier Flexible Retrieval after 90 days and then to Standard-IA after 120 days", "give the colder class the later time");
        let zone = LifecycleRule { transitions: vec![moving(30, StorageClassName::OnezoneIa), moving(90, StorageClassName::GlacierIr)], ..rule("z") };
        refusal(&[zone], "Rule \"z\" moves objects from One Zone-IA to Glacier Instant Retrieval", "Glacier Flexible Retrieval or Glacier Deep Archive");
        let same = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier), moving(90, StorageClassName::DeepArchive)], ..rule("s") };
        refusal(&[same], "Rule \"s\" moves objects to Glacier Flexible Retrieval and to Glacier Deep Archive at the same time", "later time");
        let old = LifecycleRule {
            noncurrent_transitions: vec![
                NoncurrentTransition { days: 10, class: StorageClassName::DeepArchive, newer_versions: None },
                NoncurrentTransition { days: 20, class: StorageClassName::GlacierIr, newer_versions: None },
            ],
            ..rule("o")
        };
        refusal(&[old], "Rule \"o\" moves older versions to Glacier Deep Archive", "give the colder class the later time");
        let fine = LifecycleRule {
            transitions: vec![moving(120, StorageClassName::DeepArchive), moving(30, StorageClassName::StandardIa), moving(60, StorageClassName::GlacierIr)],
            expiration: Some(Expiration { days: Some(400), date: None }),
            ..rule("fine")
        };
        check(&[fine]).unwrap();
    }

    #[test]
    fn check_wants_deletion_after_the_moves() {
        let early = LifecycleRule { transitions: vec![moving(90, StorageClassName::Glacier)], ..expiring("d", 60) };
        refusal(&[early], "Rule \"d\" deletes objects after 60 days, no later than it moves them to Glacier Flexible Retrieval after 90 days", "delete them later");
        let dated = LifecycleRule {
            transitions: vec![Transition { days: None, date: Some("2031-01-01".into()), class: StorageClassName::Glacier }],
            expiration: Some(Expiration { days: None, date: Some("2030-06-01T00:00:00Z".into()) }),
            ..rule("dated")
        };
        refusal(&[dated], "deletes objects on 2030-06-01, no later than it moves them to Glacier Flexible Retrieval on 2031-01-01", "delete them later");
    }

    #[test]
    fn check_wants_days_or_dates_not_both() {
        let mixed = LifecycleRule { transitions: vec![Transition { days: None, date: Some("2030-01-01".into()), class: StorageClassName::Glacier }], ..expiring("m", 400) };
        refusal(&[mixed], "Rule \"m\" mixes days and dates", "Use days everywhere, or dates everywhere");
        let both = LifecycleRule { transitions: vec![Transition { days: Some(1), date: Some("2030-01-01".into()), class: StorageClassName::Glacier }], ..rule("t") };
        refusal(&[both], "Rule \"t\" mixes days and dates", "one or the other");
        let twice = LifecycleRule { expiration: Some(Expiration { days: Some(1), date: Some("2030-01-01".into()) }), ..rule("e") };
        refusal(&[twice], "Rule \"e\" mixes days and dates", "Use days everywhere");
        let noon = LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01T12:00:00Z".into()) }), ..rule("n") };
        refusal(&[noon], "Rule \"n\": \"2030-01-01T12:00:00Z\" isn't a date S3 takes", "write it as 2030-01-01");
        let midnight = LifecycleRule { expiration: Some(Expiration { days: None, date: Some("2030-01-01".into()) }), ..rule("n") };
        check(&[midnight]).unwrap();
    }

    #[test]
    fn check_keeps_delete_markers_and_uploads_away_from_tags() {
        let both = LifecycleRule { expired_delete_markers: true, ..expiring("dm", 30) };
        refusal(&[both], "Rule \"dm\" both deletes objects and removes expired delete markers", "Move the delete-marker cleanup to a rule of its own");
        let tagged = LifecycleRule { expired_delete_markers: true, scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..rule("dt") };
        refusal(&[tagged], "Rule \"dt\" removes expired delete markers but applies to tagged objects only", "Remove the tags from this rule");
        let uploads = LifecycleRule { abort_incomplete_after_days: Some(7), scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..rule("ut") };
        refusal(&[uploads], "Rule \"ut\" aborts unfinished uploads but applies to tagged objects only", "put the abort in a rule without tags");
        let markers = LifecycleRule { expired_delete_markers: true, scope: prefixed("logs/"), ..rule("ok") };
        check(&[markers]).unwrap();
    }

    #[test]
    fn check_reads_the_filter() {
        let sizes = LifecycleRule { scope: LifecycleScope { size_greater_than: Some(5_000_000), size_less_than: Some(1_000_000), ..LifecycleScope::default() }, ..expiring("sz", 1) };
        refusal(&[sizes], "Rule \"sz\" applies to objects larger than 5.0 MB and smaller than 1.0 MB", "Make the minimum size smaller than the maximum");
        let twice = LifecycleRule { scope: LifecycleScope { tags: vec![tag("a", "1"), tag("a", "2")], ..LifecycleScope::default() }, ..expiring("tt", 1) };
        refusal(&[twice], "Rule \"tt\" names the tag \"a\" twice", "give each tag key once");
        let keyless = LifecycleRule { scope: LifecycleScope { tags: vec![tag("", "1")], ..LifecycleScope::default() }, ..expiring("tk", 1) };
        refusal(&[keyless], "Rule \"tk\": Tag keys can't be empty.", "Nothing was changed.");
    }

    #[test]
    fn check_wants_one_to_a_hundred_newer_versions() {
        let none = LifecycleRule { noncurrent_expiration: Some(NoncurrentExpiration { days: 30, keep_newest: Some(0) }), ..rule("k") };
        refusal(&[none], "Rule \"k\" keeps the newest 0 older versions", "give a number from 1 to 100");
        let lots = LifecycleRule {
            noncurrent_transitions: vec![NoncurrentTransition { days: 30, class: StorageClassName::Glacier, newer_versions: Some(101) }],
            ..rule("n")
        };
        refusal(&[lots], "Rule \"n\" keeps the newest 101 older versions", "from 1 to 100");
    }

    #[test]
    fn overlapping_rules_are_pointed_out() {
        let logs = LifecycleRule { scope: prefixed("logs/"), ..expiring("logs", 30) };
        let all = expiring("all", 365);
        let nested = overlaps(&[logs.clone(), all.clone()]);
        assert_eq!(nested.len(), 1, "{nested:?}");
        assert!(nested[0].starts_with("Rule \"logs\" and rule \"all\" both apply to objects under logs/ and both delete them:"), "{}", nested[0]);
        // Disabled, disjoint prefixes, other tag values, sizes that don't meet, different actions: no advice.
        assert!(overlaps(&[logs.clone(), LifecycleRule { enabled: false, ..all.clone() }]).is_empty());
        assert!(overlaps(&[logs.clone(), LifecycleRule { scope: prefixed("img/"), ..all.clone() }]).is_empty());
        let dev = LifecycleRule { scope: LifecycleScope { tags: vec![tag("env", "dev")], ..LifecycleScope::default() }, ..all.clone() };
        let prod = LifecycleRule { scope: LifecycleScope { tags: vec![tag("env", "prod")], ..LifecycleScope::default() }, ..expiring("prod", 9) };
        assert!(overlaps(&[dev.clone(), prod]).is_empty());
        let big = LifecycleRule { scope: LifecycleScope { size_greater_than: Some(1000), ..LifecycleScope::default() }, ..expiring("big", 1) };
        let small = LifecycleRule { scope: LifecycleScope { size_less_than: Some(1001), ..LifecycleScope::default() }, ..expiring("small", 2) };
        assert!(overlaps(&[big, small]).is_empty());
        assert!(overlaps(&[logs.clone(), abort_incomplete_rule(7)]).is_empty());
        let archive = LifecycleRule { transitions: vec![moving(0, StorageClassName::Glacier)], ..rule("a") };
        let deep = LifecycleRule { transitions: vec![moving(0, StorageClassName::DeepArchive)], scope: prefixed("logs/old/"), ..rule("d") };
        let moves = overlaps(&[archive, deep]);
        assert!(moves[0].contains("both apply to objects under logs/old/ and both move them to other storage classes"), "{moves:?}");
    }
}
