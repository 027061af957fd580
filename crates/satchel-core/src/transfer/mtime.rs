//! A file's modification time kept with its object: user metadata `mtime`, seconds since the epoch
//! with nine decimals. That is the form rclone writes and reads, so a file uploaded by either tool
//! comes back down (through either) with the time it had, not the time of the upload; and a sync
//! can tell an object that is the local file from one written since.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The user-metadata key (sent as `x-amz-meta-mtime`).
pub const KEY: &str = "mtime";

/// The metadata value for a modification time in nanoseconds since the epoch; `None` for a time
/// the file system didn't give (0) or one before 1970.
pub fn to_metadata(modified_ns: i64) -> Option<String> {
    (modified_ns > 0).then(|| format!("{}.{:09}", modified_ns / 1_000_000_000, modified_ns % 1_000_000_000))
}

/// The time an `mtime` value names. Read by hand rather than as a float: a float of today's
/// seconds keeps only microseconds, and the value written must come back exactly.
pub fn from_metadata(value: &str) -> Option<SystemTime> {
    let (secs, frac) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    let secs: u64 = secs.parse().ok()?;
    if frac.len() > 9 && !frac[9..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = &frac[..frac.len().min(9)];
    let nanos = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse::<u32>().ok()? };
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// The stored time among an object's user metadata (as a GET's map, or a HEAD's pairs), if any.
pub fn stored<'a>(metadata: impl IntoIterator<Item = (&'a String, &'a String)>) -> Option<SystemTime> {
    metadata.into_iter().find(|(k, _)| *k == KEY).and_then(|(_, v)| from_metadata(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_goes_out_and_comes_back_to_the_nanosecond() {
        let ns = 1_764_000_123_000_000_042_i64;
        let text = to_metadata(ns).unwrap();
        assert_eq!(text, "1764000123.000000042");
        let back = from_metadata(&text).unwrap();
        assert_eq!(back.duration_since(UNIX_EPOCH).unwrap().as_nanos() as i64, ns);
        assert_eq!(to_metadata(0), None);
        assert_eq!(to_metadata(-5), None);
    }

    #[test]
    fn values_other_tools_write_are_read() {
        // rclone's own, whole seconds, fewer decimals.
        let at = |s: u64, n: u32| UNIX_EPOCH + Duration::new(s, n);
        assert_eq!(from_metadata("1583846123.123456789"), Some(at(1_583_846_123, 123_456_789)));
        assert_eq!(from_metadata("1583846123"), Some(at(1_583_846_123, 0)));
        assert_eq!(from_metadata("1583846123.5"), Some(at(1_583_846_123, 500_000_000)));
        assert_eq!(from_metadata(" 1583846123.25 "), Some(at(1_583_846_123, 250_000_000)));
        for bad in ["", "x", "-1", "12.ab", "1e9", "12.3.4"] {
            assert_eq!(from_metadata(bad), None, "{bad}");
        }
    }
}
