//! The SHA-256 a client declares for its upload: `Content-Digest: sha-256=:BASE64:`
//! (RFC 9530) or `X-Content-SHA256: HEX`.

use axum::http::HeaderMap;
use base64::Engine as _;

use crate::error::ApiError;

pub const HEX_HEADER: &str = "x-content-sha256";

/// The declared digest as lower-case hex; an upload without one is refused, because the
/// check is what proves the file arrived whole.
pub fn declared_sha256(headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(v) = headers.get(HEX_HEADER) {
        let v = v.to_str().unwrap_or("").trim().to_ascii_lowercase();
        if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::bad_request("invalid_checksum_header", "X-Content-SHA256 must be 64 hexadecimal digits"));
        }
        return Ok(v);
    }
    if let Some(v) = headers.get("content-digest") {
        let v = v.to_str().unwrap_or("");
        for item in v.split(',') {
            let Some((alg, value)) = item.trim().split_once('=') else { continue };
            if alg.trim().eq_ignore_ascii_case("sha-256") {
                let b64 = value.trim().trim_matches(':');
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| ApiError::bad_request("invalid_checksum_header", "Content-Digest sha-256 is not valid base64"))?;
                if raw.len() != 32 {
                    return Err(ApiError::bad_request("invalid_checksum_header", "Content-Digest sha-256 must hold 32 bytes"));
                }
                return Ok(hex::encode(raw));
            }
        }
        return Err(ApiError::bad_request("invalid_checksum_header", "Content-Digest has no sha-256 entry"));
    }
    Err(ApiError::bad_request("checksum_required", "send the file's SHA-256 in X-Content-SHA256 (hex) or Content-Digest (sha-256=:base64:)"))
}
