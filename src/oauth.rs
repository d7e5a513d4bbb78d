//! The OAuth2 token endpoint of the pool's domain (poolData `domain`): `exchangeCode`, the
//! authorization code (with its PKCE verifier) a backend-for-frontend trades for the user's
//! tokens, and `clientCredentials`, machine-to-machine access tokens, kept until shortly before
//! they expire with one request in flight per scope set.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::http::{self, Failure};
use crate::params::Params;
use crate::results::MachineToken;
use crate::tokens::Tokens;
use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use base64::Engine as _;
use hyper::body::Bytes;
use hyper::Method;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// A token answer is a few KiB; past this it is not one.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// A kept machine token is handed out only while it has at least this long to live.
const EXPIRY_MARGIN_SECS: i64 = 60;

#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    error: Option<String>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn token_url(cognito: &Cognito) -> Result<&str> {
    cognito.config.token_url.as_deref().ok_or_else(|| {
        Error::invalid_param(
            "poolData.domain (the pool's domain, for its OAuth2 endpoints) is required",
        )
    })
}

/// POSTs the form to the token endpoint: the app client by HTTP Basic when it has a secret (as the
/// endpoint requires), else by `client_id` in the form.
async fn request(cognito: &Cognito, pairs: &[(&str, &str)]) -> Result<Answer> {
    let url = token_url(cognito)?;
    let config = &cognito.config;
    // Cognito's documented form: Base64(client_id:client_secret), the two as they are.
    let basic = config.client_secret().map(|secret| {
        let pair = format!("{}:{secret}", config.client_id);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    });
    let body = {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(pairs);
        if basic.is_none() {
            form.append_pair("client_id", &config.client_id);
        }
        Bytes::from(form.finish())
    };
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(basic) = &basic {
        headers.push(("authorization", basic));
    }
    let (status, answer) = http::send(
        Method::POST,
        url,
        &headers,
        body,
        config.timeout,
        MAX_ANSWER_BYTES,
    )
    .await
    .map_err(|failure| match failure {
        Failure::Aborted => Error::aborted(),
        Failure::NotAUrl => Error::invalid_param("poolData.domain does not make a URL"),
        Failure::TooLarge(_) => Error::bad_response(format!(
            "The token endpoint's answer is larger than {MAX_ANSWER_BYTES} bytes"
        )),
        other => Error::network(format!("Could not reach the token endpoint: {other}")),
    })?;
    answer_of(status.as_u16(), &answer)
}

/// The endpoint's answer: its tokens, or its OAuth error (`invalid_grant`...) as the code, with
/// its HTTP status.
fn answer_of(status: u16, body: &[u8]) -> Result<Answer> {
    let answer: Option<Answer> = serde_json::from_slice(body).ok();
    match answer {
        Some(Answer {
            error: Some(error), ..
        }) if (400..500).contains(&status) => {
            let code = if !error.is_empty()
                && error.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                error
            } else {
                crate::error::code::UNKNOWN.to_owned()
            };
            let message = format!("The token endpoint refused the request ({code})");
            Err(Error::new(&code, Some(status), message))
        }
        Some(answer) if (200..300).contains(&status) => Ok(answer),
        _ => {
            let mut err = Error::bad_response(format!(
                "The token endpoint answered HTTP {status} without a usable body"
            ));
            err.retryable = Some(status >= 500);
            Err(err)
        }
    }
}

/// `exchangeCode({ code, redirectUri, codeVerifier? })`: the authorization code grant; resolves the
/// original's token shape.
pub async fn exchange_code(cognito: &Cognito, params: &Params) -> Result<Tokens> {
    let code = params.string("code")?;
    let redirect_uri = params.string("redirectUri")?;
    let verifier = params.optional_string("codeVerifier")?;
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(verifier) = verifier {
        pairs.push(("code_verifier", verifier));
    }
    let answer = request(cognito, &pairs).await?;
    let result = AuthenticationResultType::builder()
        .set_access_token(answer.access_token)
        .set_id_token(answer.id_token)
        .set_refresh_token(answer.refresh_token)
        .build();
    Tokens::from_result(result, None)
}

/// The kept token of one (endpoint, client, scope set), and the turn to fetch a new one.
#[derive(Default)]
struct Slot {
    token: Mutex<Option<MachineToken>>,
    fetching: tokio::sync::Mutex<()>,
}

impl Slot {
    fn fresh(&self) -> Option<MachineToken> {
        let kept = self.token.lock().unwrap_or_else(|p| p.into_inner());
        kept.clone()
            .filter(|t| t.expires_at - EXPIRY_MARGIN_SECS > now())
    }
}

/// (token endpoint, app client, scope set)
type SlotKey = (String, String, String);

static SLOTS: LazyLock<Mutex<HashMap<SlotKey, Arc<Slot>>>> = LazyLock::new(Default::default);

/// `clientCredentials({ scopes? })` (a string or a list): an access token for the app client itself (it needs a
/// secret and the client_credentials grant), `{ accessToken, expiresAt }`.
pub async fn client_credentials(cognito: &Cognito, params: &Params) -> Result<MachineToken> {
    let mut scopes = params.optional_words("scopes")?.unwrap_or_default();
    scopes.sort();
    scopes.dedup();
    let scope = scopes.join(" ");
    let key = (
        token_url(cognito)?.to_owned(),
        cognito.config.client_id.clone(),
        scope.clone(),
    );
    let slot = SLOTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_default()
        .clone();
    if let Some(token) = slot.fresh() {
        return Ok(token);
    }
    let _turn = slot.fetching.lock().await;
    if let Some(token) = slot.fresh() {
        return Ok(token);
    }
    let mut pairs = vec![("grant_type", "client_credentials")];
    if !scope.is_empty() {
        pairs.push(("scope", &scope));
    }
    let answer = request(cognito, &pairs).await?;
    let token = MachineToken {
        access_token: answer
            .access_token
            .ok_or_else(|| Error::bad_response("The token endpoint sent no access_token"))?,
        expires_at: now() + answer.expires_in.unwrap_or(0),
    };
    *slot.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    #[test]
    fn the_endpoints_error_is_the_code_with_its_status() {
        let err = answer_of(400, br#"{"error":"invalid_grant"}"#)
            .err()
            .unwrap();
        assert_eq!(
            (err.code.as_str(), err.status_code),
            ("invalid_grant", Some(400))
        );
        let odd = answer_of(401, br#"{"error":"<script>"}"#).err().unwrap();
        assert_eq!(odd.code, code::UNKNOWN);
        let down = answer_of(503, b"unavailable").err().unwrap();
        assert_eq!(
            (down.code.as_str(), down.retryable),
            (code::UNKNOWN, Some(true))
        );
    }

    #[test]
    fn a_code_grant_answer_becomes_the_originals_tokens() {
        // The shape Cognito's token endpoint documents for authorization_code.
        let jwt = crate::tokens::test_jwt(r#"{"exp":1700000000}"#);
        let body = format!(
            r#"{{"access_token":"{jwt}","id_token":"{jwt}","refresh_token":"r","token_type":"Bearer","expires_in":3600}}"#
        );
        let answer = answer_of(200, body.as_bytes()).unwrap();
        let result = AuthenticationResultType::builder()
            .set_access_token(answer.access_token)
            .set_id_token(answer.id_token)
            .set_refresh_token(answer.refresh_token)
            .build();
        let tokens = Tokens::from_result(result, None).unwrap();
        assert_eq!(
            (
                tokens.refresh_token.as_str(),
                tokens.access_token_expires_at
            ),
            ("r", 1700000000)
        );
    }
}
