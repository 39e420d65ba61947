//! The one seam between HTTP and the governance layer. The `Authorization: Bearer TOKEN`
//! header is parsed here; the token is resolved to a principal only by
//! `genohub_governance::Hub::authenticate` (see `AppState::governed`), and every data endpoint
//! acts through the resulting session, which authorises, applies policy and disclosure
//! control, and audits. The server decides nothing itself.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::ApiError;

/// Who is calling, as far as HTTP can tell before governance looks at the token.
#[derive(Clone)]
pub enum Caller {
    /// No credentials: public endpoints only (health, statistics, Beacon yes/no answers).
    Anonymous,
    /// A Bearer token, not yet verified.
    Bearer(String),
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never log the secret.
        f.write_str(if self.is_anonymous() { "Anonymous" } else { "Bearer(..)" })
    }
}

impl Caller {
    /// The token, or 401 for anonymous callers.
    pub fn token(&self) -> Result<&str, ApiError> {
        match self {
            Caller::Bearer(t) => Ok(t),
            Caller::Anonymous => Err(ApiError::unauthorized("this endpoint needs a Bearer token")),
        }
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Caller::Anonymous)
    }
}

/// Parses `Authorization: Bearer TOKEN`; anything else in that header is refused rather than
/// silently treated as anonymous.
fn bearer(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer TOKEN`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized("expected `Authorization: Bearer TOKEN`"));
    }
    Ok(Some(token.trim().to_string()))
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, ApiError> {
        Ok(match bearer(parts)? {
            None => Caller::Anonymous,
            Some(token) => Caller::Bearer(token),
        })
    }
}
