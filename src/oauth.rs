//! The OAuth2 token endpoint of the pool's domain (poolData `domain`): `exchangeCode`, the
//! authorization code (with its PKCE verifier) a backend-for-frontend trades for the user's
//! tokens, and `clientCredentials`, machine-to-machine access tokens, kept until shortly before
//! they expire with one request in flight per endpoint, client, secret and scope set.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::config::PoolConfig;
use crate::error::code::jwt as jwt_code;
use crate::error::{Error, Result};
use crate::http::{self, Failure};
use crate::params::Params;
use crate::results::MachineToken;
use crate::tokens::Tokens;
use crate::verify::checks::{Checks, TokenUse};
use crate::verify::{refused, Verifier};
use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use aws_sdk_cognitoidentityprovider::Client;
use base64::Engine as _;
use hyper::body::Bytes;
use hyper::Method;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// A token answer is a few KiB; past this it is not one.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// A kept machine token is handed out only while it has at least this long to live, or a quarter
/// of its life for tokens that live less than four minutes (a 59 s token is kept for 45 s, not
/// fetched again on every call).
const EXPIRY_MARGIN_SECS: i64 = 60;

/// Past this many kept machine tokens, the expired ones are let go when another is added.
const MAX_KEPT: usize = 256;

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

fn token_url(config: &PoolConfig) -> Result<&str> {
    config.token_url.as_deref().ok_or_else(|| {
        Error::invalid_param(
            "poolData.domain (the pool's domain, for its OAuth2 endpoints) is required",
        )
    })
}

/// POSTs the form to the token endpoint: the app client by HTTP Basic when it has a secret (as the
/// endpoint requires), else by `client_id` in the form.
async fn request(config: &PoolConfig, pairs: &[(&str, &str)]) -> Result<Answer> {
    let url = token_url(config)?;
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
        http::Owner::Call,
        (Method::POST, url),
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

/// `exchangeCode({ code, redirectUri, codeVerifier?, nonce? })`: the authorization code grant;
/// resolves the original's token shape once the tokens pass [`check_exchanged`].
pub async fn exchange_code(cognito: &Cognito, params: &Params) -> Result<Tokens> {
    let code = params.string("code")?;
    let redirect_uri = params.string("redirectUri")?;
    let verifier = params.optional_string("codeVerifier")?;
    let nonce = params.optional_string("nonce")?;
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(verifier) = verifier {
        pairs.push(("code_verifier", verifier));
    }
    let answer = request(&cognito.config, &pairs).await?;
    let result = AuthenticationResultType::builder()
        .set_access_token(answer.access_token)
        .set_id_token(answer.id_token)
        .set_refresh_token(answer.refresh_token)
        .build();
    let tokens = Tokens::from_result(result, None)?;
    check_exchanged(&cognito.config, &tokens, nonce).await?;
    Ok(tokens)
}

/// How far in the future an `iat` may be (clock skew between Cognito and this host).
const MAX_IAT_SKEW_SECS: f64 = 300.0;

/// The claims of an exchanged id token that OIDC asks its client to check beyond a verifier's.
#[derive(Deserialize)]
struct IdClaims {
    azp: Option<String>,
    iat: Option<f64>,
    nonce: Option<String>,
}

/// The tokens of a code exchange checked as an OIDC client must (OIDC Core 3.1.3.7): each
/// signed by the pool's keys and issued by the pool, not expired; the id token's `aud` (and
/// `azp`, when present) this app client, its `iat` not in the future, its `nonce` the caller's
/// when one is given; the access token this client's.
async fn check_exchanged(config: &PoolConfig, tokens: &Tokens, nonce: Option<&str>) -> Result<()> {
    let checks = |token_use| Checks {
        token_use: Some(Some(token_use)),
        client_ids: Some(Some(vec![config.client_id.clone()])),
        ..Checks::default()
    };
    let claim = |why: &str| refused(jwt_code::INVALID_CLAIM, why);
    let payload = Verifier::of_pool(config, checks(TokenUse::Id))?
        .verify(&tokens.id_token, None)
        .await?;
    let id: IdClaims = serde_json::from_str(&payload).map_err(|_| {
        refused(
            jwt_code::MALFORMED,
            "its azp, iat or nonce has the wrong type",
        )
    })?;
    if id.azp.is_some_and(|azp| azp != config.client_id) {
        return Err(claim("its azp is not this app client"));
    }
    let now = now() as f64;
    match id.iat {
        Some(iat) if iat <= now + MAX_IAT_SKEW_SECS => {}
        Some(_) => return Err(claim("it was issued in the future (iat)")),
        None => return Err(claim("it has no iat")),
    }
    if let Some(nonce) = nonce {
        if id.nonce.as_deref() != Some(nonce) {
            return Err(claim("its nonce is not the one given"));
        }
    }
    Verifier::of_pool(config, checks(TokenUse::Access))?
        .verify(&tokens.access_token, None)
        .await?;
    Ok(())
}

/// What is known of one (endpoint, client, secret, scope set): the kept token, and the fetch in
/// flight whose one answer, token or error, every caller waiting for it gets.
#[derive(Default)]
struct Slot {
    kept: Option<(MachineToken, i64)>,
    fetch: Option<watch::Receiver<Option<Result<MachineToken>>>>,
}

impl Slot {
    fn fresh(&self) -> Option<MachineToken> {
        let (token, fresh_until) = self.kept.as_ref()?;
        (*fresh_until > now()).then(|| token.clone())
    }
}

/// (token endpoint or API endpoint, app client, SHA-256 of its secret, scope set): a token is
/// handed only to the callers who would have been given it by the endpoint.
type SlotKey = (String, String, [u8; 32], String);

type Slots = HashMap<SlotKey, Arc<Mutex<Slot>>>;

static SLOTS: LazyLock<Mutex<Slots>> = LazyLock::new(Default::default);

fn slot_of(key: SlotKey) -> Arc<Mutex<Slot>> {
    let mut slots = SLOTS.lock().unwrap_or_else(|p| p.into_inner());
    if slots.len() >= MAX_KEPT && !slots.contains_key(&key) {
        slots.retain(|_, slot| {
            let slot = slot.lock().unwrap_or_else(|p| p.into_inner());
            slot.fetch.is_some() || slot.fresh().is_some()
        });
    }
    slots.entry(key).or_default().clone()
}

/// Where a machine token comes from: the pool domain's token endpoint (the client_credentials
/// grant), or the API's GetClientToken (no domain needed).
#[derive(Clone)]
enum Source {
    Domain,
    Api(Client),
}

impl Source {
    /// The call's `via` ('domain' or 'api'); without it, the domain when poolData has one.
    /// GetClientToken is signed with the process's AWS credentials, as the admin calls are.
    async fn read(cognito: &Cognito, params: &Params) -> Result<Self> {
        let via = match params.optional_string("via")? {
            Some(via) => via,
            None if cognito.config.token_url.is_some() => "domain",
            None => "api",
        };
        match via {
            "domain" => token_url(&cognito.config).map(|_| Self::Domain),
            "api" => Ok(Self::Api(cognito.admin().await)),
            _ => Err(Error::invalid_param("via must be 'domain' or 'api'")),
        }
    }

    /// What the cache tells this source apart by: the endpoint asked.
    fn key(&self, config: &PoolConfig) -> Result<String> {
        Ok(match self {
            Self::Domain => token_url(config)?.to_owned(),
            Self::Api(_) => format!(
                "api:{}:{}",
                config.region,
                config.endpoint.as_deref().unwrap_or("")
            ),
        })
    }
}

/// [`fetch_machine_token`], reported to the watcher of the call that started it (module
/// `fetches`): the source and scopes, then the token's expiry or the failure; never the token.
async fn fetch_reported(
    config: &PoolConfig,
    source: &Source,
    scope: &str,
) -> Result<(MachineToken, i64)> {
    let about = match source {
        Source::Domain => {
            json!({ "source": "domain", "tokenUrl": token_url(config)?, "scope": scope })
        }
        Source::Api(_) => json!({ "source": "api", "scope": scope }),
    };
    let report = crate::fetches::start("machineToken", about);
    let fetched = fetch_machine_token(config, source, scope).await;
    if let Some(report) = report {
        let expires_at = fetched.as_ref().ok().map(|(token, _)| token.expires_at);
        report
            .end(json!({ "expiresAt": expires_at }), fetched.as_ref().err())
            .await;
    }
    fetched
}

/// A machine token from `source`, with how long it may be kept.
async fn fetch_machine_token(
    config: &PoolConfig,
    source: &Source,
    scope: &str,
) -> Result<(MachineToken, i64)> {
    let (access_token, lives) = match source {
        Source::Domain => {
            let mut pairs = vec![("grant_type", "client_credentials")];
            if !scope.is_empty() {
                pairs.push(("scope", scope));
            }
            let answer = request(config, &pairs).await?;
            (answer.access_token, answer.expires_in.unwrap_or(0))
        }
        Source::Api(client) => {
            let secret = config.client_secret().ok_or_else(|| {
                Error::invalid_param("GetClientToken needs poolData.ClientSecret")
            })?;
            let scopes: Vec<String> = scope
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let out = client
                .get_client_token()
                .client_id(&config.client_id)
                .secret(secret)
                .set_scopes((!scopes.is_empty()).then_some(scopes))
                .send()
                .await?;
            let result = out.client_authentication_result();
            (
                result.and_then(|r| r.access_token()).map(str::to_owned),
                result.map_or(0, |r| i64::from(r.expires_in())),
            )
        }
    };
    let lives = lives.max(0);
    let token = MachineToken {
        access_token: access_token
            .ok_or_else(|| Error::bad_response("Cognito sent no access token"))?,
        expires_at: now() + lives,
    };
    let fresh_until = token.expires_at - EXPIRY_MARGIN_SECS.min(lives / 4);
    Ok((token, fresh_until))
}

/// `clientCredentials({ scopes?, via? })` (scopes a string or a list): an access token for the app
/// client itself (it needs a secret and the client_credentials grant), `{ accessToken, expiresAt }`,
/// from the pool domain's token endpoint or, with `via: 'api'` (the default without a domain),
/// from the API's GetClientToken. Callers that find no
/// fresh token share one request; its answer, a token or the endpoint's error, is every one's.
/// The request belongs to no one call: one caller's abort or timeout does not end it for the
/// others, and the token it brings is kept.
pub async fn client_credentials(cognito: &Cognito, params: &Params) -> Result<MachineToken> {
    let mut scopes = params.optional_words("scopes")?.unwrap_or_default();
    scopes.sort();
    scopes.dedup();
    let scope = scopes.join(" ");
    let source = Source::read(cognito, params).await?;
    let config = cognito.config.clone();
    let secret: [u8; 32] = Sha256::digest(config.client_secret().unwrap_or_default()).into();
    let key = (
        source.key(&config)?,
        config.client_id.clone(),
        secret,
        scope.clone(),
    );
    let slot = slot_of(key);
    loop {
        let mut answer = {
            let mut state = slot.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(token) = state.fresh() {
                return Ok(token);
            }
            match &state.fetch {
                Some(in_flight) => in_flight.clone(),
                None => {
                    let (tell, answer) = watch::channel(None);
                    state.fetch = Some(answer.clone());
                    let (slot, config, scope) = (slot.clone(), config.clone(), scope.clone());
                    let source = source.clone();
                    crate::fetches::spawn(async move {
                        let fetched = fetch_reported(&config, &source, &scope).await;
                        let mut state = slot.lock().unwrap_or_else(|p| p.into_inner());
                        state.fetch = None;
                        if let Ok(kept) = &fetched {
                            state.kept = Some(kept.clone());
                        }
                        tell.send_replace(Some(fetched.map(|(token, _)| token)));
                    });
                    answer
                }
            }
        };
        let outcome = match answer.wait_for(Option::is_some).await {
            Ok(outcome) => outcome.clone(),
            Err(_) => None,
        };
        if let Some(outcome) = outcome {
            return outcome;
        }
        // The fetch ended without a word (its task panicked): it is let go, and the next turn of
        // the loop starts another rather than waiting on it again.
        let mut state = slot.lock().unwrap_or_else(|p| p.into_inner());
        if state
            .fetch
            .as_ref()
            .is_some_and(|f| f.has_changed().is_err())
        {
            state.fetch = None;
        }
    }
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
