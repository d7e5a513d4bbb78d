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
    /// The caller aborted the call (its `AbortSignal`), as Node names the error of an aborted
    /// operation.
    pub const ABORTED: &str = "AbortError";
    /// A code that was not accepted (Cognito's own code for it).
    pub const CODE_MISMATCH: &str = "CodeMismatchException";

    /// Cognito's codes for "slow down and try again" (see its CommonErrors page): retried.
    pub const TOO_MANY_REQUESTS: &str = "TooManyRequestsException";
    pub const THROTTLING: &str = "ThrottlingException";
    /// A quota of Cognito's (e.g. code deliveries) is used up: never retried, since a retry can only
    /// spend more of it.
    pub const LIMIT_EXCEEDED: &str = "LimitExceededException";

    /// Token verification: one code per way a token fails, named as aws-jwt-verify names its
    /// error classes, so that code written against its `err.name` keeps working. All answer 401
    /// except [`JWKS_NOT_CACHED`] and [`FETCH`], which are the server's trouble (503).
    pub mod jwt {
        /// Not three base64url parts of JSON, or a claim of the wrong type.
        pub const MALFORMED: &str = "JwtParseError";
        pub const BAD_SIGNATURE: &str = "JwtInvalidSignatureError";
        /// `none`, an HMAC algorithm, or an algorithm other than the key's.
        pub const BAD_ALGORITHM: &str = "JwtInvalidSignatureAlgorithmError";
        pub const EXPIRED: &str = "JwtExpiredError";
        pub const NOT_YET_VALID: &str = "JwtNotBeforeError";
        pub const WRONG_ISSUER: &str = "JwtInvalidIssuerError";
        pub const WRONG_CLIENT: &str = "CognitoJwtInvalidClientIdError";
        /// An access token not bound to the resource server asked for (`aud`, RFC 8707).
        pub const WRONG_AUDIENCE: &str = "JwtInvalidAudienceError";
        pub const WRONG_TOKEN_USE: &str = "CognitoJwtInvalidTokenUseError";
        pub const MISSING_SCOPE: &str = "JwtInvalidScopeError";
        pub const MISSING_GROUP: &str = "CognitoJwtInvalidGroupError";
        /// Another claim a check requires is missing or wrong (an exchanged id token's `azp`,
        /// `iat` or `nonce`).
        pub const INVALID_CLAIM: &str = "JwtInvalidClaimError";
        /// The header names no key (`kid`).
        pub const NO_KID: &str = "JwtWithoutValidKidError";
        /// The pool's keys are known, and none has the token's `kid`.
        pub const UNKNOWN_KID: &str = "KidNotFoundInJwksError";
        /// A second unknown `kid` within the refetch window: no fetch until it has passed.
        pub const WAIT_PERIOD: &str = "WaitPeriodNotYetEndedJwkError";
        /// `verifySync` before the pool's keys were loaded (`verify` or `hydrate` loads them).
        pub const JWKS_NOT_CACHED: &str = "JwksNotAvailableInCacheError";
        /// The pool's keys could not be fetched.
        pub const FETCH: &str = "FetchError";
        /// The fetched or given document is no JWKS (not JSON, no `keys` array).
        pub const JWKS_INVALID: &str = "JwksValidationError";
        /// A key of the JWKS is malformed (the whole set is refused), or the token's key lacks
        /// what its type needs (`n`/`e`, `crv`/`x`/`y`) or is no valid public key.
        pub const JWK_INVALID: &str = "JwkValidationError";
        /// The token's key is not for signatures (`use` other than `sig`).
        pub const JWK_INVALID_USE: &str = "JwkInvalidUseError";
        /// The token's key is of a type that verifies no signature here (`kty` not RSA or EC).
        pub const JWK_INVALID_KTY: &str = "JwkInvalidKtyError";
    }
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
    /// For a token that fails a claim check: what it holds and what was asked for (as
    /// aws-jwt-verify's `failedAssertion`). Claims are no secret; tokens are never put here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_assertion: Option<Box<FailedAssertion>>,
}

/// What a claim holds beside what a check asked of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedAssertion {
    pub actual: serde_json::Value,
    pub expected: serde_json::Value,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Cognito's refusal of the app client's secret (a SECRET_HASH or client secret it does not
    /// hold, or the client's credentials at GetClientToken or the token endpoint).
    pub fn refuses_the_client_secret(&self) -> bool {
        let message = self.message.to_ascii_lowercase();
        self.code == "invalid_client"
            || (self.code == "NotAuthorizedException"
                && (message.contains("secret") || message.contains("client credentials")))
    }

    /// An error of this package's own making, with the HTTP status a backend should answer
    /// (none when no HTTP answer fits, as for a network failure).
    pub fn new(code: &str, status_code: Option<u16>, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            status_code,
            request_id: None,
            retryable: Some(false),
            failed_assertion: None,
        }
    }

    /// This error with what the claim held and what the check asked for.
    pub fn with_assertion(
        mut self,
        actual: serde_json::Value,
        expected: serde_json::Value,
    ) -> Self {
        self.failed_assertion = Some(Box::new(FailedAssertion { actual, expected }));
        self
    }

    /// Bad params or poolData: 400, as Cognito answers its own InvalidParameterException.
    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_PARAMETER, Some(400), message)
    }

    /// The server's 2xx answer lacks something a well-formed Cognito answer has: 502, as a
    /// gateway answers for an upstream it cannot use.
    pub fn bad_response(message: impl Into<String>) -> Self {
        Self::new(code::UNKNOWN, Some(502), message)
    }

    /// No answer came (refused, reset, timed out): no HTTP status fits; retryable.
    pub fn network(message: impl Into<String>) -> Self {
        let mut err = Self::new(code::NETWORK, None, message);
        err.retryable = Some(true);
        err
    }

    /// The caller aborted the call: no HTTP status fits (nothing answered); not retryable as it
    /// stands, since a request already sent may have been acted on.
    pub fn aborted() -> Self {
        Self::new(
            code::ABORTED,
            None,
            "The call was aborted (its AbortSignal)",
        )
    }

    /// A failure inside this package: 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(code::INTERNAL, Some(500), message)
    }
}

/// Runs of this many characters of a base64 alphabet are never words: SECRET_HASH, proofs, sessions.
const OPAQUE_RUN: usize = 40;

static TOKEN_SHAPES: std::sync::LazyLock<regex_lite::Regex> = std::sync::LazyLock::new(|| {
    regex_lite::Regex::new(&format!(
        r"[A-Za-z0-9_-]{{8,}}\.[A-Za-z0-9_-]{{8,}}\.[A-Za-z0-9_-]{{8,}}|[A-Za-z0-9+/_-]{{{OPAQUE_RUN},}}={{0,2}}"
    ))
    .expect("a fixed pattern")
});

impl Error {
    /// The message without any of `secrets` (the call's passwords, codes, sessions, tokens, the
    /// client secret) and without anything shaped like a token or a hash: a server or a proxy may
    /// echo the request in its message, and none of it may reach the caller's logs.
    pub fn redacted<'a>(mut self, secrets: impl IntoIterator<Item = &'a str>) -> Self {
        for secret in secrets {
            if secret.len() >= 4 && self.message.contains(secret) {
                self.message = self.message.replace(secret, "[redacted]");
            }
        }
        if let std::borrow::Cow::Owned(message) =
            TOKEN_SHAPES.replace_all(&self.message, "[redacted]")
        {
            self.message = message;
        }
        self
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
    [code::TOO_MANY_REQUESTS, code::THROTTLING].contains(&code)
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

/// The first `T` among `err` and its sources.
pub fn find_cause<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// Whether `T` is `err` or one of its sources.
pub fn caused_by<T: std::error::Error + 'static>(err: &(dyn std::error::Error + 'static)) -> bool {
    find_cause::<T>(err).is_some()
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
        if caused_by::<crate::call_state::Aborted>(&err) {
            return Error::aborted();
        }
        if caused_by::<http_body_util::LengthLimitError>(&err) {
            return Error::bad_response(format!(
                "Cognito's answer is larger than {} bytes and was not read",
                crate::transport::MAX_ANSWER_BYTES
            ));
        }
        if caused_by::<crate::transport::OutcomeUnknown>(&err) {
            let mut e = Error::network(
                "The connection to Cognito failed after the request was sent: whether Cognito \
                 carried it out is unknown, and it was not sent again",
            );
            // A blind repeat is what this error exists to prevent.
            e.retryable = Some(false);
            return e;
        }
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
                    failed_assertion: None,
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
                if !(200..300).contains(&status) {
                    e.status_code = Some(status);
                }
                e.retryable = Some(status >= 500);
                e
            }
            _ => Error::new(
                code::UNKNOWN,
                Some(502),
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
        let e = Error::new(code::CODE_MISMATCH, Some(400), "Invalid code provided.");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": code::CODE_MISMATCH,
                "message": "Invalid code provided.",
                "statusCode": 400,
                "retryable": false
            })
        );
    }

    #[test]
    fn local_errors_carry_the_status_a_backend_should_answer() {
        assert_eq!(Error::invalid_param("x").status_code, Some(400));
        assert_eq!(Error::internal("x").status_code, Some(500));
        assert_eq!(Error::bad_response("x").status_code, Some(502));
        assert_eq!(Error::network("x").status_code, None);
        for e in [Error::invalid_param("x"), Error::internal("x")] {
            assert_eq!(e.retryable, Some(false));
        }
    }

    #[test]
    fn redaction_takes_out_the_call_s_secrets_and_anything_token_shaped() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlLWJ5dGVz";
        let hash = "q6s0R3n8bM1x0m4qvY9nB0kU1uXyQ2yX5m0cZ9pL0eA=";
        let e = Error::new(
            code::INVALID_PARAMETER,
            Some(400),
            format!("1 validation error: PASSWORD=Hunter-22! TOKEN={jwt} SECRET_HASH={hash} CODE=123456 for user pool us-east-1_Abc"),
        )
        .redacted(["Hunter-22!", "123456", "abc"]);
        for secret in ["Hunter-22!", jwt, hash, "123456"] {
            assert!(!e.message.contains(secret), "{}", e.message);
        }
        assert!(e.message.contains("for user pool us-east-1_Abc"));
        assert!(e
            .message
            .starts_with("1 validation error: PASSWORD=[redacted]"));
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
