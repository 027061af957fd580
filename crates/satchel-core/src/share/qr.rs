//! QR codes of links, for phones.

use crate::error::{Error, Result};

/// A QR code of `text` as an SVG document, for phones.
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::invalid(format!("This link is too long for a QR code ({e}).")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn qr_codes_are_svg() {
        assert!(qr_svg("https://example.com/x").unwrap().contains("<svg"));
    }
}
