//! One error type for every method, and the one place where Cognito/SDK failures are mapped to it.
//!
//! The JS facade turns the serialised form into a real `Error` in the caller's realm, so this type
//! only carries data: `code`, `message` and, for server answers, `statusCode`, `requestId`, `retryable`.
#![forbid(unsafe_code)]

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::RequestId;
use serde::Serialize;
use std::fmt;

/// Codes this package creates itself (Cognito's own codes pass through unchanged).
pub mod code {
    /// Bad params or poolData, found before any request is sent.
    pub const INVALID_PARAMETER: &str = "InvalidParameterException";
    /// Connection refused/reset, DNS failure, or the call's timeout ran out.
    pub const NETWORK: &str = "NetworkError";
    /// The server answered something this package cannot use (as amazon-cognito-identity-js names it).
    pub const UNKNOWN: &str = "UnknownError";
    /// A bug in this package (a caught panic); never expected.
    pub const INTERNAL: &str = "InternalErrorException";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retryable: Option<bool>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            status_code: None,
            request_id: None,
            retryable: None,
        }
    }

    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_PARAMETER, message)
    }

    /// The server's answer lacks something a well-formed Cognito answer has.
    pub fn bad_response(message: impl Into<String>) -> Self {
        Self::new(code::UNKNOWN, message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        let mut err = Self::new(code::NETWORK, message);
        err.retryable = Some(true);
        err
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// Codes that mean "slow down and try again" at Cognito (see its CommonErrors page).
fn is_throttling(code: &str) -> bool {
    matches!(code, "TooManyRequestsException" | "ThrottlingException")
}

/// The messages of an error and its sources, joined (the SDK's Debug forms are too noisy to show).
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// Whether a response failed because the connection did (reset, closed early), not its content.
fn broke_in_transit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<std::io::Error>() {
            return true;
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            // Anything but a malformed HTTP message is the transport's doing.
            return !h.is_parse();
        }
        current = e.source();
    }
    false
}

/// Map any SDK failure of any Cognito operation. Only the server's code and message are kept:
/// the SDK's own Debug output can include request parts, and nothing from the request may leak.
impl<E> From<SdkError<E, aws_sdk_cognitoidentityprovider::config::http::HttpResponse>> for Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn from(err: SdkError<E, aws_sdk_cognitoidentityprovider::config::http::HttpResponse>) -> Self {
        match &err {
            SdkError::ServiceError(service) => {
                let status = service.raw().status().as_u16();
                let meta = service.err();
                let code = meta.code().unwrap_or(code::UNKNOWN).to_owned();
                let retryable = status >= 500 || is_throttling(&code);
                Error {
                    message: meta
                        .message()
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("Cognito answered {status} ({code})")),
                    code,
                    status_code: Some(status),
                    request_id: err.request_id().map(str::to_owned),
                    retryable: Some(retryable),
                }
            }
            SdkError::TimeoutError(_) => {
                Error::network("Cognito did not answer before the timeout")
            }
            SdkError::DispatchFailure(failure) => {
                let mut e = Error::network(format!("Could not reach Cognito: {}", chain(&err)));
                if failure.is_timeout() {
                    e.message = "Cognito did not answer before the timeout".into();
                }
                e
            }
            SdkError::ResponseError(_) if broke_in_transit(&err) => Error::network(format!(
                "The connection to Cognito broke during its answer: {}",
                chain(&err)
            )),
            SdkError::ResponseError(response) => {
                let status = response.raw().status().as_u16();
                let mut e = Error::bad_response(format!(
                    "Cognito sent a response that could not be read (HTTP {status})"
                ));
                e.status_code = Some(status);
                e.retryable = Some(status >= 500);
                e
            }
            _ => Error::new(
                code::UNKNOWN,
                format!("Cognito request failed: {}", chain(&err)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_js_field_names_and_skips_absent_ones() {
        let mut e = Error::new("NotAuthorizedException", "Incorrect username or password.");
        e.status_code = Some(400);
        e.retryable = Some(false);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "NotAuthorizedException",
                "message": "Incorrect username or password.",
                "statusCode": 400,
                "retryable": false
            })
        );
    }

    #[test]
    fn network_errors_are_retryable() {
        let e = Error::network("x");
        assert_eq!(e.code, "NetworkError");
        assert_eq!(e.retryable, Some(true));
    }

    #[test]
    fn throttling_codes() {
        assert!(is_throttling("TooManyRequestsException"));
        assert!(!is_throttling("LimitExceededException"));
    }
}
