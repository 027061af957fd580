//! Numbers as people read them, for messages and the CLI.

/// `12.4 MB`: decimal units as file managers show them, one decimal from kB up.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `2,560`: a count with thousands separated, as the window writes them.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A time as listings give it (RFC 3339, the storage's clock), for comparing with file times.
pub fn parse_time(rfc3339: &str) -> Option<std::time::SystemTime> {
    std::time::SystemTime::try_from(listed_time(rfc3339)?).ok()
}

/// The same time in milliseconds since 1970, as the window's rows keep it.
pub fn parse_millis(rfc3339: &str) -> Option<f64> {
    Some(listed_time(rfc3339)?.to_millis().ok()? as f64)
}

fn listed_time(rfc3339: &str) -> Option<aws_smithy_types::DateTime> {
    aws_smithy_types::DateTime::from_str(rfc3339, aws_smithy_types::date_time::Format::DateTime).ok()
}

/// `2026-12-01 21:51 UTC` from a listing's RFC 3339 time, for sentences; anything else as given.
pub fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..16), rfc3339.ends_with('Z')) {
        (Some(minutes), true) if rfc3339.as_bytes().get(10) == Some(&b'T') => format!("{} UTC", minutes.replace('T', " ")),
        _ => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_in_sentences() {
        assert_eq!(super::when("2026-12-01T21:51:12Z"), "2026-12-01 21:51 UTC");
        assert_eq!(super::when("yesterday"), "yesterday");
    }

    #[test]
    fn counts_with_separators() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(2560), "2,560");
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(super::count(1_234_567), "1,234,567");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(super::bytes(0), "0 B");
        assert_eq!(super::bytes(999), "999 B");
        assert_eq!(super::bytes(1000), "1.0 kB");
        assert_eq!(super::bytes(12_400_000), "12.4 MB");
        assert_eq!(super::bytes(999_999_999), "1.0 GB");
        assert_eq!(super::bytes(5 * 1024u64.pow(4)), "5.5 TB");
    }
}
