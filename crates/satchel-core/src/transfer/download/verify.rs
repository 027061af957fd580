//! What a downloaded file is checked against. A whole-object GET that carries a full-object
//! checksum is checked by the SDK as it streams (its mismatch is recognised here); a ranged
//! download of an object with a full-object CRC is checked here, each range's CRC computed as it
//! arrives and the ranges combined in order, so no byte is read twice. A single-part object with
//! no checksum is checked against its ETag where that is the MD5 of its bytes (not under SSE-KMS or
//! SSE-C, where it is not). Multipart objects with only per-part (composite) checksums are not
//! checked yet.

use crc_fast::CrcAlgorithm;
use md5::Digest as _;

/// What the bytes of a whole object must hash to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Expected {
    Crc(CrcAlgorithm, u64),
    Md5([u8; 16]),
}

/// A digest being computed over one range as its chunks arrive.
pub(super) enum Running {
    Crc(Box<crc_fast::Digest>),
    Md5(md5::Md5),
}

/// What one range hashed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeDigest {
    Crc(u64),
    Md5([u8; 16]),
}

impl RangeDigest {
    /// The CRC, for the journal (a range's MD5 is never journalled: only whole GETs have one).
    pub fn crc(self) -> Option<u64> {
        match self {
            RangeDigest::Crc(c) => Some(c),
            RangeDigest::Md5(_) => None,
        }
    }
}

impl Running {
    pub fn for_expected(expected: Expected) -> Running {
        match expected {
            Expected::Crc(algo, _) => Running::Crc(Box::new(crc_fast::Digest::new(algo))),
            Expected::Md5(_) => Running::Md5(md5::Md5::default()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Running::Crc(d) => d.update(bytes),
            Running::Md5(d) => d.update(bytes),
        }
    }

    pub fn finish(self) -> RangeDigest {
        match self {
            Running::Crc(d) => RangeDigest::Crc(d.finalize()),
            Running::Md5(d) => RangeDigest::Md5(d.finalize().into()),
        }
    }
}

/// The full-object checksum among the headers of a HEAD or GET, if there is one: a value ending in
/// `-N` is a checksum of part checksums, which the bytes alone cannot be checked against.
pub(super) fn full_object_crc(crc32: Option<&str>, crc32c: Option<&str>, crc64nvme: Option<&str>) -> Option<Expected> {
    let candidates = [(CrcAlgorithm::Crc64Nvme, crc64nvme), (CrcAlgorithm::Crc32Iscsi, crc32c), (CrcAlgorithm::Crc32IsoHdlc, crc32)];
    candidates.into_iter().find_map(|(algo, value)| {
        let value = value?;
        if value.contains('-') {
            return None;
        }
        let bytes = aws_smithy_types::base64::decode(value).ok()?;
        if bytes.is_empty() || bytes.len() > 8 {
            return None;
        }
        Some(Expected::Crc(algo, bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))))
    })
}

/// The MD5 an ETag names, when it is one: 32 hex digits (a multipart ETag ends in `-N`), and the
/// object is not encrypted with KMS or a customer key (their ETags are not the MD5 of the bytes).
pub(super) fn md5_etag(etag: &str, encrypted_with_key: bool) -> Option<Expected> {
    if encrypted_with_key {
        return None;
    }
    let hex = etag.trim_matches('"');
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(Expected::Md5(out))
}

/// Whether the ranges, in the order of their offsets, hash to `expected`. MD5s cannot be combined:
/// they are only expected of an object fetched in one range.
pub(super) fn matches(expected: Expected, mut ranges: Vec<(u64, u64, RangeDigest)>) -> bool {
    ranges.sort_by_key(|r| r.0);
    match expected {
        Expected::Crc(algo, want) => {
            let mut got = crc_fast::checksum(algo, b"");
            for (i, (_, len, digest)) in ranges.into_iter().enumerate() {
                let RangeDigest::Crc(crc) = digest else { return false };
                got = if i == 0 { crc } else { crc_fast::checksum_combine(algo, got, crc, len) };
            }
            got == want
        }
        Expected::Md5(want) => matches!(ranges.as_slice(), [(_, _, RangeDigest::Md5(got))] if *got == want),
    }
}

/// The SDK's own check of a whole-object checksum failed, as it reads the end of the body.
pub(super) fn is_sdk_mismatch(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if err.to_string().contains("checksum mismatch") {
            return true;
        }
        next = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(expected: Expected, bytes: &[u8]) -> RangeDigest {
        let mut r = Running::for_expected(expected);
        r.update(bytes);
        r.finish()
    }

    #[test]
    fn ranges_combine_to_the_whole_objects_crc() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algo in [CrcAlgorithm::Crc32Iscsi, CrcAlgorithm::Crc32IsoHdlc, CrcAlgorithm::Crc64Nvme] {
            let whole = Expected::Crc(algo, crc_fast::checksum(algo, &data));
            // Out of order, as parallel ranges finish.
            let ranges = vec![
                (60_000, 40_000, digest(whole, &data[60_000..])),
                (0, 25_000, digest(whole, &data[..25_000])),
                (25_000, 35_000, digest(whole, &data[25_000..60_000])),
            ];
            assert!(matches(whole, ranges.clone()), "{algo:?}");
            let mut flipped = data.clone();
            flipped[30_000] ^= 1;
            let bad = vec![ranges[0], ranges[1], (25_000, 35_000, digest(whole, &flipped[25_000..60_000]))];
            assert!(!matches(whole, bad), "{algo:?}");
        }
    }

    #[test]
    fn the_headers_checksum_is_used_only_when_it_covers_the_whole_object() {
        // CRC32C of "hello" is 0x9a71bb4c.
        assert_eq!(full_object_crc(None, Some("mnG7TA=="), None), Some(Expected::Crc(CrcAlgorithm::Crc32Iscsi, 0x9a71bb4c)));
        assert_eq!(full_object_crc(None, Some("mnG7TA==-3"), None), None);
        assert_eq!(full_object_crc(None, Some("not base64!"), None), None);
        assert_eq!(full_object_crc(None, None, None), None);
        let hello = Expected::Crc(CrcAlgorithm::Crc32Iscsi, 0x9a71bb4c);
        assert!(matches(hello, vec![(0, 5, digest(hello, b"hello"))]));
    }

    #[test]
    fn an_etag_is_an_md5_only_for_plain_single_part_objects() {
        let md5 = md5_etag("\"5d41402abc4b2a76b9719d911017c592\"", false).unwrap();
        assert!(matches(md5, vec![(0, 5, digest(md5, b"hello"))]));
        assert!(!matches(md5, vec![(0, 5, digest(md5, b"hellO"))]));
        assert_eq!(md5_etag("\"5d41402abc4b2a76b9719d911017c592\"", true), None);
        assert_eq!(md5_etag("\"5d41402abc4b2a76b9719d911017c592-2\"", false), None);
        assert_eq!(md5_etag("\"zz41402abc4b2a76b9719d911017c592\"", false), None);
    }
}
