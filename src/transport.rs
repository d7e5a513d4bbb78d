//! What the Cognito client enforces on the wire and the error module reports: the bound on an
//! answer's size, and the marker of a request whose outcome is unknown. Below both, so that
//! the error module knows nothing of the client.
#![forbid(unsafe_code)]

use aws_sdk_cognitoidentityprovider::error::BoxError;

/// Cognito's answers are a few KiB (a page of users some tens); one past this is not read further.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Why an unrepeatable request's failure was not retried: it may have reached Cognito.
#[derive(Debug)]
pub struct OutcomeUnknown(pub BoxError);

impl std::fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for OutcomeUnknown {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}
