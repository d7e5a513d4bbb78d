//! `verifyToken`: checks an id or access token locally, the way a backend guards its routes:
//! RS256 signature against the pool's JWKS (cached; fetched again for an unknown `kid`), then
//! `iss`, `token_use`, the app client (`aud` for id tokens, `client_id` for access tokens) and
//! `exp` with optional grace. Resolves the claims. Any failure is `NotAuthorizedException`.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::config::PoolConfig;
use crate::error::{code, Error, Result};
use crate::params::Params;
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// One kept-alive client for every JWKS fetch of the process.
static HTTP: LazyLock<Option<Client<Https, Empty<Bytes>>>> = LazyLock::new(|| {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .ok()?
        .https_or_http()
        .enable_http1()
        .build();
    Some(Client::builder(TokioExecutor::new()).build(connector))
});

/// What is known of one JWKS URL. `state` holds the keys and the last fetch's time and failure;
/// `fetching` lets one fetch run at a time, every other verification in need waits for its result.
#[derive(Default)]
struct Jwks {
    state: Mutex<Known>,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Known {
    keys: HashMap<String, DecodingKey>,
    attempted: Option<Instant>,
    failure: Option<Error>,
}

static JWKS: LazyLock<Mutex<HashMap<String, Arc<Jwks>>>> = LazyLock::new(Default::default);

/// An unknown `kid` fetches the JWKS again (Cognito rotates keys), but not more often than this,
/// whether the last fetch worked or not, so forged `kid`s or a failing endpoint cannot make us
/// hammer it.
const MIN_REFETCH: Duration = Duration::from_secs(30);

/// A JWKS is a few KiB; an answer past this is not one, and is not read further.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

fn refused(why: &str) -> Error {
    Error::new(
        code::NOT_AUTHORIZED,
        Some(401),
        format!("Invalid token: {why}"),
    )
}

/// The pool's issuer as its tokens name it: Cognito's original host, or the `issuer-` host it now
/// also issues from.
fn issuers(config: &PoolConfig) -> [String; 2] {
    ["cognito-idp", "issuer-cognito-idp"].map(|host| {
        format!(
            "https://{host}.{}.amazonaws.com/{}",
            config.region, config.user_pool_id
        )
    })
}

fn jwks_url(config: &PoolConfig) -> String {
    config.jwks_url.clone().unwrap_or_else(|| {
        let [cognito_idp, _] = issuers(config);
        format!("{cognito_idp}/.well-known/jwks.json")
    })
}

async fn fetch(url: &str, timeout: Duration) -> Result<HashMap<String, DecodingKey>> {
    let unreachable =
        |what: &str| Error::network(format!("Could not fetch the pool's JWKS: {what}"));
    let client = HTTP.as_ref().ok_or_else(|| unreachable("no TLS roots"))?;
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| Error::invalid_param("poolData.jwksUrl is not a URL"))?;
    let response = tokio::time::timeout(timeout, async {
        let response = client
            .get(uri)
            .await
            .map_err(|e| unreachable(&e.to_string()))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| match e.downcast::<LengthLimitError>() {
                Ok(_) => Error::bad_response(format!(
                    "the JWKS answer is larger than {MAX_JWKS_BYTES} bytes"
                )),
                Err(e) => unreachable(&e.to_string()),
            })?;
        Ok::<_, Error>((status, body.to_bytes()))
    })
    .await
    .map_err(|_| unreachable("timed out"))??;
    if !response.0.is_success() {
        return Err(unreachable(&format!("HTTP {}", response.0)));
    }
    let jwks: Value = serde_json::from_slice(&response.1)
        .map_err(|_| Error::bad_response("the JWKS is not JSON"))?;
    Ok(jwks["keys"]
        .as_array()
        .ok_or_else(|| Error::bad_response("the JWKS has no keys"))?
        .iter()
        .filter(|k| k["kty"] == "RSA")
        .filter_map(|k| {
            let key = DecodingKey::from_rsa_components(k["n"].as_str()?, k["e"].as_str()?).ok()?;
            Some((k["kid"].as_str()?.to_owned(), key))
        })
        .collect())
}

impl Jwks {
    /// The key for `kid` if known, or what the last fetch within the window said.
    fn known(&self, kid: &str) -> Option<Result<DecodingKey>> {
        let known = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(key) = known.keys.get(kid) {
            return Some(Ok(key.clone()));
        }
        let recent = known.attempted.is_some_and(|at| at.elapsed() < MIN_REFETCH);
        recent.then(|| {
            Err(known
                .failure
                .clone()
                .unwrap_or_else(|| refused("unknown signing key")))
        })
    }
}

/// The key for `kid`: from what is known, else from the one fetch in flight for the URL.
async fn key_for(config: &PoolConfig, kid: &str) -> Result<DecodingKey> {
    let url = jwks_url(config);
    let jwks = JWKS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(url.clone())
        .or_default()
        .clone();
    if let Some(known) = jwks.known(kid) {
        return known;
    }
    let _turn = jwks.fetching.lock().await;
    // The fetch that ran while this one waited may have answered it.
    if let Some(known) = jwks.known(kid) {
        return known;
    }
    let fetched = fetch(&url, config.timeout).await;
    let mut known = jwks.state.lock().unwrap_or_else(|p| p.into_inner());
    known.attempted = Some(Instant::now());
    match fetched {
        Ok(keys) => {
            known.keys = keys;
            known.failure = None;
        }
        Err(failure) => known.failure = Some(failure),
    }
    drop(known);
    jwks.known(kid)
        .unwrap_or_else(|| Err(refused("unknown signing key")))
}

/// The checks after the signature, on the claims: token use, app client, expiry.
fn check_claims(
    claims: &Map<String, Value>,
    config: &PoolConfig,
    token_use: Option<&str>,
    grace: u64,
    now: u64,
) -> Result<()> {
    let used_as = claims
        .get("token_use")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !matches!(used_as, "id" | "access") || token_use.is_some_and(|want| want != used_as) {
        return Err(refused("wrong token use"));
    }
    let client = if used_as == "id" { "aud" } else { "client_id" };
    if claims.get(client).and_then(Value::as_str) != Some(config.client_id.as_str()) {
        return Err(refused("issued to another app client"));
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or_else(|| refused("no expiry"))?;
    if exp.saturating_add(grace) <= now {
        return Err(refused("expired"));
    }
    Ok(())
}

/// `verifyToken({ token, tokenUse?, graceSeconds? })`
pub async fn verify_token(cognito: &Cognito, params: &Params) -> Result<Value> {
    let token = params.string("token")?;
    let token_use = match params.optional_string("tokenUse")? {
        None => None,
        Some(u @ ("id" | "access")) => Some(u),
        Some(_) => return Err(Error::invalid_param("tokenUse must be 'id' or 'access'")),
    };
    let grace = params.optional_seconds("graceSeconds")?.unwrap_or(0);
    let header = decode_header(token).map_err(|_| refused("not a JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(refused("not signed with RS256"));
    }
    let kid = header.kid.ok_or_else(|| refused("no key id"))?;
    let config = &cognito.config;
    let key = key_for(config, &kid).await?;

    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&issuers(config));
    validation.set_required_spec_claims(&["iss", "exp"]);
    validation.validate_exp = false; // checked below, with the grace
    validation.validate_aud = false; // id and access tokens name the client differently
    let claims = decode::<Map<String, Value>>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => refused("issued by another pool"),
            jsonwebtoken::errors::ErrorKind::InvalidSignature => refused("bad signature"),
            _ => refused("malformed"),
        })?
        .claims;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    check_claims(&claims, config, token_use, grace, now)?;
    Ok(Value::Object(claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PoolConfig {
        PoolConfig::from_json(r#"{"UserPoolId":"us-east-1_Pool1","ClientId":"client1"}"#).unwrap()
    }

    fn claims(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_issuer_and_default_jwks_url_are_the_pools() {
        assert_eq!(
            issuers(&config()),
            [
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1",
                "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1"
            ]
        );
        assert_eq!(
            jwks_url(&config()),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1/.well-known/jwks.json"
        );
    }

    #[test]
    fn claims_checks() {
        let c = config();
        let id = claims(r#"{"token_use":"id","aud":"client1","exp":1000}"#);
        let access = claims(r#"{"token_use":"access","client_id":"client1","exp":1000}"#);
        assert!(check_claims(&id, &c, None, 0, 999).is_ok());
        assert!(check_claims(&access, &c, Some("access"), 0, 999).is_ok());
        let reason = |r: Result<()>| r.unwrap_err().message;
        assert_eq!(
            reason(check_claims(&id, &c, Some("access"), 0, 999)),
            "Invalid token: wrong token use"
        );
        assert_eq!(
            reason(check_claims(&id, &c, None, 0, 1000)),
            "Invalid token: expired"
        );
        assert!(
            check_claims(&id, &c, None, 60, 1059).is_ok(),
            "grace seconds"
        );
        let other = claims(r#"{"token_use":"access","client_id":"client2","exp":1000}"#);
        assert_eq!(
            reason(check_claims(&other, &c, None, 0, 1)),
            "Invalid token: issued to another app client"
        );
        let odd = claims(r#"{"token_use":"refresh","exp":1000}"#);
        assert_eq!(
            reason(check_claims(&odd, &c, None, 0, 1)),
            "Invalid token: wrong token use"
        );
        assert_eq!(
            check_claims(&id, &c, None, 0, 999).map_err(|e| e.code),
            Ok(())
        );
    }
}
