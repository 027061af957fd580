//! The integrity checksum sent with each part or file.

use aws_sdk_s3::types::ChecksumAlgorithm;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    Crc32c,
    Crc64nvme,
    /// For stores that reject flexible checksums: Content-MD5 computed by the SDK where required.
    Md5,
}

impl Checksum {
    pub fn parse(s: &str) -> Result<Checksum> {
        match s.to_ascii_lowercase().as_str() {
            "crc32c" => Ok(Checksum::Crc32c),
            "crc64nvme" => Ok(Checksum::Crc64nvme),
            "md5" => Ok(Checksum::Md5),
            other => Err(Error::invalid(format!("Unknown checksum \"{other}\": use crc32c, crc64nvme or md5."))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Checksum::Crc32c => "crc32c",
            Checksum::Crc64nvme => "crc64nvme",
            Checksum::Md5 => "md5",
        }
    }

    pub(crate) fn algorithm(self) -> Option<ChecksumAlgorithm> {
        match self {
            Checksum::Crc32c => Some(ChecksumAlgorithm::Crc32C),
            Checksum::Crc64nvme => Some(ChecksumAlgorithm::Crc64Nvme),
            Checksum::Md5 => None,
        }
    }
}
