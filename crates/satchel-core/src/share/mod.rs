//! Sharing: presigned links honest about when they expire, their history, and QR codes.

mod history;
mod link;
mod qr;

pub use history::{IssuedLink, LinkHistory, HISTORY_LIMIT};
pub use link::{parse_expiry, share, validate_expiry, ShareKind, ShareLink, ShareRequest, MAX_EXPIRY};
pub use qr::qr_svg;
