//! The engine against real S3 servers (moto, garage and the embedded sandbox). One test binary for
//! all of them: each binary links the whole AWS SDK, and a handful of them filled CI's disk.

mod common;

mod buckets;
mod connections;
mod download;
mod faults;
mod governance;
mod lifecycle;
mod objects;
mod share;
mod upload;
mod versions;
