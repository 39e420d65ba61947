use genohub_analysis::AnalysisError;
use genohub_store::StoreError;

/// Why a governed call did not answer. `Forbidden` and `Refused` are decisions (audited as
/// such); their messages say why without revealing any hidden number.
#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// No valid credential: unknown, expired or revoked token, disabled user.
    #[error("not authenticated: {0}")]
    Unauthenticated(String),
    /// The role may not perform the operation at all, or not on this object.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Allowed in principle, refused by policy or disclosure control for this request.
    #[error("refused: {0}")]
    Refused(String),
    /// The request is malformed (unknown name, bad value); nothing was read or written.
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    NotFound(String),
    #[error("corrupt governance data: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Analysis(AnalysisError),
}

impl From<AnalysisError> for GovernanceError {
    fn from(e: AnalysisError) -> Self {
        match e {
            AnalysisError::Input(m) => GovernanceError::Input(m),
            AnalysisError::Store(s) => GovernanceError::Store(s),
            other => GovernanceError::Analysis(other),
        }
    }
}

impl GovernanceError {
    pub fn input(msg: impl Into<String>) -> Self {
        GovernanceError::Input(msg.into())
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        GovernanceError::Forbidden(msg.into())
    }

    pub fn refused(msg: impl Into<String>) -> Self {
        GovernanceError::Refused(msg.into())
    }

    /// A short stable code for APIs and the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            GovernanceError::Unauthenticated(_) => "unauthenticated",
            GovernanceError::Forbidden(_) => "forbidden",
            GovernanceError::Refused(_) => "refused",
            GovernanceError::Input(_) => "bad_request",
            GovernanceError::NotFound(_) => "not_found",
            GovernanceError::Corrupt(_) => "corrupt",
            GovernanceError::Store(_) | GovernanceError::Analysis(_) => "internal",
        }
    }
}

pub type Result<T, E = GovernanceError> = std::result::Result<T, E>;
