//! Cognito's tokens as this package hands them out and reads them: the original's token object
//! made from an auth result, and the claims of a token read without verifying it.
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

/// What login, MFA, new-password and refresh resolve with (the original's shape).
#[derive(Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub refresh_token: String,
    pub access_token: String,
    /// The access token's `exp`, in seconds since the epoch.
    pub access_token_expires_at: i64,
    pub id_token: String,
    /// The id token's own `exp` (the original reported the access token's here).
    pub id_token_expires_at: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("id_token_expires_at", &self.id_token_expires_at)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// The one path from Cognito's `AuthenticationResult` to `Tokens`. `refresh_fallback` is the
    /// refresh token the caller already holds: a refresh without rotation sends none back.
    pub fn from_result(
        result: AuthenticationResultType,
        refresh_fallback: Option<&str>,
    ) -> Result<Self> {
        let missing = |what: &str| {
            Error::bad_response(format!("Cognito's authentication result has no {what}"))
        };
        let access_token = result.access_token.ok_or_else(|| missing("AccessToken"))?;
        let id_token = result.id_token.ok_or_else(|| missing("IdToken"))?;
        let refresh_token = result
            .refresh_token
            .or_else(|| refresh_fallback.map(str::to_owned))
            .unwrap_or_default();
        let exp = |token: &str, what: &str| {
            expiry(token).ok_or_else(|| {
                Error::bad_response(format!("Cognito's {what} has no readable exp claim"))
            })
        };
        Ok(Self {
            access_token_expires_at: exp(&access_token, "AccessToken")?,
            id_token_expires_at: exp(&id_token, "IdToken")?,
            refresh_token,
            access_token,
            id_token,
        })
    }
}

/// The claims of a JWT, read without checking its signature (Cognito checks it on every call;
/// we only need `exp` and a sanity check of what the caller handed us).
pub fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(claims) => Some(claims),
        _ => None,
    }
}

/// `exp` of a JWT, in seconds.
pub fn expiry(token: &str) -> Option<i64> {
    unverified_claims(token)?
        .get("exp")?
        .as_f64()
        .map(|exp| exp as i64)
}

/// A token of `claims` as the tests need one (its signature is never checked here).
#[cfg(test)]
pub(crate) fn test_jwt(claims: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(claims))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    use super::test_jwt as jwt;

    #[test]
    fn reads_exp_from_each_token() {
        let result = AuthenticationResultType::builder()
            .access_token(jwt(r#"{"exp":1700000100,"token_use":"access"}"#))
            .id_token(jwt(r#"{"exp":1700000200,"token_use":"id"}"#))
            .refresh_token("opaque-refresh")
            .build();
        let tokens = Tokens::from_result(result, None).unwrap();
        assert_eq!(tokens.access_token_expires_at, 1700000100);
        assert_eq!(tokens.id_token_expires_at, 1700000200);
        assert_eq!(tokens.refresh_token, "opaque-refresh");
    }

    #[test]
    fn keeps_the_callers_refresh_token_when_cognito_sends_none() {
        let result = AuthenticationResultType::builder()
            .access_token(jwt(r#"{"exp":1}"#))
            .id_token(jwt(r#"{"exp":2}"#))
            .build();
        assert_eq!(
            Tokens::from_result(result, Some("mine"))
                .unwrap()
                .refresh_token,
            "mine"
        );
    }

    #[test]
    fn a_result_without_tokens_is_an_unknown_error() {
        let e = Tokens::from_result(AuthenticationResultType::builder().build(), None).unwrap_err();
        assert_eq!(e.code, code::UNKNOWN);
        let e = Tokens::from_result(
            AuthenticationResultType::builder()
                .access_token("garbage")
                .id_token(jwt(r#"{"exp":2}"#))
                .build(),
            None,
        )
        .unwrap_err();
        assert!(e.message.contains("exp"));
    }

    #[test]
    fn claims_of_garbage_are_none() {
        for token in [
            "",
            "a.b",
            "a.b.c.d",
            "x.!!!.y",
            &jwt("[1]"),
            &jwt("not json"),
        ] {
            assert!(unverified_claims(token).is_none(), "{token}");
        }
        assert_eq!(expiry(&jwt(r#"{"exp":12.0}"#)), Some(12));
        assert_eq!(expiry(&jwt(r#"{"sub":"x"}"#)), None);
    }

    #[test]
    fn debug_print_hides_tokens() {
        let result = AuthenticationResultType::builder()
            .access_token(jwt(r#"{"exp":1}"#))
            .id_token(jwt(r#"{"exp":2}"#))
            .refresh_token("very-secret-refresh")
            .build();
        let printed = format!("{:?}", Tokens::from_result(result, None).unwrap());
        assert!(
            !printed.contains("very-secret-refresh") && !printed.contains("eyJ"),
            "{printed}"
        );
    }
}
