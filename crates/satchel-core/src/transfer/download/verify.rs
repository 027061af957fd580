//! What a downloaded file is checked against. A whole-object GET that carries a full-object
//! checksum is checked by the SDK as it streams (its mismatch is recognised here); a ranged
//! download of an object with a full-object CRC is checked here, each range's CRC computed as it
//! arrives and the ranges combined in order, so no byte is read twice. A single-part object with
//! no checksum is checked against its ETag where that is the MD5 of its bytes (not under SSE-KMS or
//! SSE-C, where it is not). A multipart object whose checksum is composite (the CRC of its parts'
//! CRCs, `...-N`) is fetched in ranges that are its parts, each range's CRC computed as it arrives,
//! and the composite computed from them.

use crc_fast::CrcAlgorithm;
use md5::Digest as _;

/// What the bytes of a whole object must hash to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Expected {
    Crc(CrcAlgorithm, u64),
    Md5([u8; 16]),
    /// The CRC of the parts' CRCs (each 4 bytes, big-endian, in part order): ranges must be the parts.
    Composite(CrcAlgorithm, u64),
}

/// A digest being computed over one range as its chunks arrive.
pub(crate) enum Running {
    Crc(Box<crc_fast::Digest>),
    Md5(md5::Md5),
}

/// What one range hashed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeDigest {
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
            Expected::Crc(algo, _) | Expected::Composite(algo, _) => Running::Crc(Box::new(crc_fast::Digest::new(algo))),
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
pub(crate) fn full_object_crc(crc32: Option<&str>, crc32c: Option<&str>, crc64nvme: Option<&str>) -> Option<Expected> {
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

/// The composite checksum among the headers of a HEAD, if the object has one: the CRC32C or CRC32
/// of its parts' CRCs, and how many parts there are ("mnG7TA==-3").
pub(crate) fn composite_crc(crc32: Option<&str>, crc32c: Option<&str>) -> Option<(Expected, u64)> {
    [(CrcAlgorithm::Crc32Iscsi, crc32c), (CrcAlgorithm::Crc32IsoHdlc, crc32)].into_iter().find_map(|(algo, value)| {
        let (value, parts) = value?.split_once('-')?;
        let parts: u64 = parts.parse().ok().filter(|n| *n > 0)?;
        let bytes = aws_smithy_types::base64::decode(value).ok().filter(|b| b.len() == 4)?;
        Some((Expected::Composite(algo, bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))), parts))
    })
}

/// An ETag of a multipart upload: the MD5 of its parts' MD5s and their count, `"…-N"`.
pub(crate) fn is_multipart_etag(etag: &str) -> bool {
    etag.trim_matches('"').rsplit_once('-').is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The MD5 an ETag names, when it is one: 32 hex digits (a multipart ETag ends in `-N`), and the
/// object is not encrypted with KMS or a customer key (their ETags are not the MD5 of the bytes).
pub(crate) fn md5_etag(etag: &str, encrypted_with_key: bool) -> Option<Expected> {
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
pub(crate) fn matches(expected: Expected, mut ranges: Vec<(u64, u64, RangeDigest)>) -> bool {
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
        Expected::Composite(algo, want) => {
            let mut crcs = Vec::with_capacity(ranges.len() * 4);
            for (_, _, digest) in ranges {
                let RangeDigest::Crc(crc) = digest else { return false };
                crcs.extend_from_slice(&(crc as u32).to_be_bytes());
            }
            crc_fast::checksum(algo, &crcs) == want
        }
    }
}

/// Whether a local file holds the bytes `expected` describes, read in ranges of `step` (the parts
/// of a composite checksum). Blocking: reads the whole file.
pub(crate) fn file_matches(path: &std::path::Path, expected: Expected, step: u64) -> std::io::Result<bool> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1024 * 1024];
    let mut ranges = Vec::new();
    let mut start = 0u64;
    loop {
        let mut running = Running::for_expected(expected);
        let mut len = 0u64;
        while len < step {
            let want = (step - len).min(buf.len() as u64) as usize;
            let n = file.read(&mut buf[..want])?;
            if n == 0 {
                break;
            }
            running.update(&buf[..n]);
            len += n as u64;
        }
        if len == 0 && !ranges.is_empty() {
            break;
        }
        ranges.push((start, len, running.finish()));
        start += len;
        if len < step {
            break;
        }
    }
    Ok(matches(expected, ranges))
}

/// The SDK's own check of a whole-object checksum failed, as it reads the end of the body.
pub(crate) fn is_sdk_mismatch(e: &(dyn std::error::Error + 'static)) -> bool {
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

    #[test]
    fn a_local_file_is_compared_by_md5_crc_or_its_parts_crcs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let algo = CrcAlgorithm::Crc32Iscsi;
        let md5 = Expected::Md5(md5::Md5::digest(&data).into());
        assert!(file_matches(&path, md5, data.len() as u64).unwrap());
        assert!(file_matches(&path, Expected::Crc(algo, crc_fast::checksum(algo, &data)), data.len() as u64).unwrap());
        let part = 1_200_000;
        let joined: Vec<u8> = data.chunks(part).flat_map(|p| (crc_fast::checksum(algo, p) as u32).to_be_bytes()).collect();
        let composite = Expected::Composite(algo, crc_fast::checksum(algo, &joined));
        assert!(file_matches(&path, composite, part as u64).unwrap());
        assert!(!file_matches(&path, composite, part as u64 + 1).unwrap(), "other part boundaries, another composite");
        std::fs::write(&path, b"").unwrap();
        assert!(file_matches(&path, Expected::Md5(md5::Md5::digest(b"").into()), 1).unwrap(), "an empty file");
    }

    #[test]
    fn parts_crcs_give_a_multipart_objects_composite_checksum() {
        // Three parts of a made-up object; its composite is the CRC32C of the three CRC32Cs.
        let data: Vec<u8> = (0..30_000u32).map(|i| (i * 13 % 251) as u8).collect();
        let parts = [&data[..10_000], &data[10_000..20_000], &data[20_000..]];
        let algo = CrcAlgorithm::Crc32Iscsi;
        let joined: Vec<u8> = parts.iter().flat_map(|p| (crc_fast::checksum(algo, p) as u32).to_be_bytes()).collect();
        let value = crc_fast::checksum(algo, &joined) as u32;
        let header = format!("{}-3", aws_smithy_types::base64::encode(value.to_be_bytes()));
        let (expected, n) = composite_crc(None, Some(&header)).unwrap();
        assert_eq!((expected, n), (Expected::Composite(algo, u64::from(value)), 3));
        let ranges: Vec<_> = parts.iter().enumerate().map(|(i, p)| ((i * 10_000) as u64, 10_000, digest(expected, p))).rev().collect();
        assert!(matches(expected, ranges.clone()));
        let mut bad = ranges;
        bad[1].2 = digest(expected, b"other bytes");
        assert!(!matches(expected, bad));
        assert_eq!(composite_crc(None, Some("mnG7TA==")), None, "a full-object checksum is not composite");
        assert_eq!(composite_crc(None, Some("mnG7TA==-0")), None);
        assert!(is_multipart_etag("\"d41d8cd98f00b204e9800998ecf8427e-12\""));
        assert!(!is_multipart_etag("\"d41d8cd98f00b204e9800998ecf8427e\""));
        assert!(!is_multipart_etag("\"weird-\""));
    }
}
