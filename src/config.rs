//! Pool data: what the factory was given, checked once, with the client secret kept out of sight.
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// Every call is bounded by this unless poolData says otherwise (`timeout`, in milliseconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How `login` signs in: proving the password by SRP or sending it, or the choice-based flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthFlow {
    /// USER_SRP_AUTH
    Srp,
    /// USER_PASSWORD_AUTH
    Password,
    /// USER_AUTH, the choice-based flow
    Choice,
}

impl AuthFlow {
    pub const NAMES: &'static str = "USER_SRP_AUTH, USER_PASSWORD_AUTH or USER_AUTH";

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "USER_SRP_AUTH" => Self::Srp,
            "USER_PASSWORD_AUTH" => Self::Password,
            "USER_AUTH" => Self::Choice,
            _ => return None,
        })
    }
}

/// A string that never shows in Debug or Display output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub user_pool_id: String,
    /// The part of the pool id before `_`.
    pub region: String,
    /// The part after `_`: SRP hashes it into the verifier.
    pub pool_name: String,
    pub client_id: String,
    /// The app client's live secrets, in poolData's order (one, or two while a secret rotates).
    client_secrets: Vec<Secret>,
    /// What the process remembers, for these secrets of this client, as the one Cognito takes.
    secrets_key: [u8; 32],
    pub endpoint: Option<String>,
    /// Where `verifyToken` gets the pool's keys (default: Cognito's URL for the pool).
    pub jwks_url: Option<String>,
    pub auth_flow: AuthFlow,
    pub timeout: Duration,
    /// The pool domain's OAuth2 token endpoint, from poolData `domain`.
    pub token_url: Option<String>,
    /// `ClientMetadata` every call that takes it sends, under the call's own `clientMetadata`.
    pub client_metadata: Option<std::collections::HashMap<String, String>>,
}

/// A user pool id's region and name (`us-east-1_AbCdEf123`), if it is one as Cognito forms them:
/// an AWS region (a partition prefix of 2-4 letters, one or more words, a number: `us-east-1`,
/// `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`), `_`, then letters and digits. The region
/// names hosts (the issuer, the JWKS URL, the endpoint), so nothing else is let into it.
pub fn split_pool_id(id: &str) -> Option<(&str, &str)> {
    let (region, name) = id.split_once('_')?;
    let valid =
        is_region(region) && !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then_some((region, name))
}

/// The DNS suffix of a region's partition: China's and the European Sovereign Cloud's hosts are
/// not under `amazonaws.com`.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("eusc-") {
        "amazonaws.eu"
    } else {
        "amazonaws.com"
    }
}

/// An AWS region name: a partition prefix of 2-4 letters, one or more words, a number.
pub fn is_region(region: &str) -> bool {
    let mut words = region.split('-');
    let (Some(prefix), Some(number)) = (words.next(), words.next_back()) else {
        return false;
    };
    let middle: Vec<&str> = words.collect();
    let letters = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    (2..=4).contains(&prefix.len())
        && letters(prefix)
        && !middle.is_empty()
        && middle.iter().all(|w| letters(w))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `poolData[key]` as a string, absent when missing or null.
fn opt_string(data: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid_param(format!(
            "poolData.{key} must be a string"
        ))),
    }
}

/// Which of its secrets each app client uses, by [`PoolConfig::secrets_key`]: learned once, by the
/// process, when Cognito refuses one (a secret rotated away).
static ACTIVE_SECRET: LazyLock<Mutex<HashMap<[u8; 32], usize>>> = LazyLock::new(Default::default);

/// `ClientSecret`: a string, or the live secrets as a list of at most two (the current one and
/// the next, while a rotation is under way; `AddUserPoolClientSecret` keeps two live at once).
fn read_secrets(data: &Map<String, Value>) -> Result<Vec<Secret>> {
    match data.get("ClientSecret") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![Secret::new(s.clone())]),
        Some(Value::Array(items)) if (1..=2).contains(&items.len()) => items
            .iter()
            .map(|item| match item {
                Value::String(s) if !s.is_empty() => Ok(Secret::new(s.clone())),
                _ => Err(Error::invalid_param(
                    "poolData.ClientSecret must be a string or a list of one or two strings",
                )),
            })
            .collect(),
        Some(_) => Err(Error::invalid_param(
            "poolData.ClientSecret must be a string or a list of one or two strings",
        )),
    }
}

impl PoolConfig {
    /// Parse and check the factory's `poolData` (given as JSON by the facade).
    pub fn from_json(json: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(json)
            .map_err(|_| Error::invalid_param("poolData must be an object"))?;
        let Value::Object(data) = value else {
            return Err(Error::invalid_param("poolData must be an object"));
        };

        let user_pool_id = opt_string(&data, "UserPoolId")?
            .ok_or_else(|| Error::invalid_param("poolData.UserPoolId is required"))?;
        let (region, pool_name) = split_pool_id(&user_pool_id).ok_or_else(|| {
            Error::invalid_param(
                "poolData.UserPoolId must look like <region>_<id>, e.g. us-east-1_AbCdEf123",
            )
        })?;
        let (region, pool_name) = (region.to_owned(), pool_name.to_owned());

        let client_id = opt_string(&data, "ClientId")?
            .ok_or_else(|| Error::invalid_param("poolData.ClientId is required"))?;
        if client_id.is_empty()
            || client_id.len() > 128
            || !client_id.chars().all(|c| is_word(c) || c == '+')
        {
            return Err(Error::invalid_param(
                "poolData.ClientId must be 1-128 letters, digits, '_' or '+'",
            ));
        }

        let client_secrets = read_secrets(&data)?;
        let secrets_key = {
            let mut digest = Sha256::new();
            digest.update(client_id.as_bytes());
            for secret in &client_secrets {
                digest.update([0]);
                digest.update(secret.expose().as_bytes());
            }
            digest.finalize().into()
        };

        let endpoint = opt_string(&data, "endpoint")?.filter(|s| !s.is_empty());
        if let Some(url) = &endpoint {
            if !crate::http::is_http_url(url) {
                return Err(Error::invalid_param(
                    "poolData.endpoint must be an http:// or https:// URL, without credentials",
                ));
            }
        }

        let jwks_url = opt_string(&data, "jwksUrl")?.filter(|s| !s.is_empty());
        if let Some(url) = &jwks_url {
            if !crate::http::is_http_url(url) {
                return Err(Error::invalid_param(
                    "poolData.jwksUrl must be an http:// or https:// URL, without credentials",
                ));
            }
        }

        let auth_flow = match opt_string(&data, "AuthFlow")?.as_deref() {
            None => AuthFlow::Srp,
            Some(name) => AuthFlow::from_name(name).ok_or_else(|| {
                Error::invalid_param(format!("poolData.AuthFlow must be {}", AuthFlow::NAMES))
            })?,
        };

        let timeout = match data.get("timeout") {
            None | Some(Value::Null) => DEFAULT_TIMEOUT,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(ms) if (1.0..=3_600_000.0).contains(&ms) => Duration::from_millis(ms as u64),
                _ => {
                    return Err(Error::invalid_param(
                        "poolData.timeout must be a number of milliseconds between 1 and 3600000",
                    ))
                }
            },
            Some(_) => {
                return Err(Error::invalid_param(
                    "poolData.timeout must be a number of milliseconds",
                ))
            }
        };

        let token_url = match opt_string(&data, "domain")?.filter(|s| !s.is_empty()) {
            None => None,
            Some(domain) => {
                let base = if crate::http::is_http_url(&domain) {
                    domain.trim_end_matches('/').to_owned()
                } else if domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                {
                    format!("https://{domain}")
                } else {
                    return Err(Error::invalid_param(
                        "poolData.domain must be a host name (e.g. mypool.auth.us-east-1.amazoncognito.com) or an http(s) URL without credentials",
                    ));
                };
                Some(format!("{base}/oauth2/token"))
            }
        };

        let client_metadata = match data.get("clientMetadata") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(
                map.iter()
                    .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        Error::invalid_param("poolData.clientMetadata must map names to strings")
                    })?,
            ),
            Some(_) => {
                return Err(Error::invalid_param(
                    "poolData.clientMetadata must be an object of strings",
                ))
            }
        };

        Ok(Self {
            user_pool_id,
            region,
            pool_name,
            client_id,
            client_secrets,
            secrets_key,
            endpoint,
            jwks_url,
            auth_flow,
            timeout,
            token_url,
            client_metadata,
        })
    }

    /// The app client's secret, for the requests that take it as it is (RevokeToken,
    /// GetTokensFromRefreshToken, the OAuth2 token endpoint).
    /// The secret calls use: the first of poolData's, until Cognito refuses it and another is
    /// taken ([`Self::next_secret`]).
    pub fn client_secret(&self) -> Option<&str> {
        let active = ACTIVE_SECRET
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&self.secrets_key)
            .copied()
            .unwrap_or(0);
        self.client_secrets.get(active).map(Secret::expose)
    }

    /// Every secret poolData names, for what must never show in an error.
    pub fn client_secrets(&self) -> impl Iterator<Item = &str> {
        self.client_secrets.iter().map(Secret::expose)
    }

    /// After Cognito refused `used`: the next of poolData's secrets is taken, for every pool
    /// object of the process with these secrets. False when there is no other.
    pub fn next_secret(&self, used: &str) -> bool {
        let Some(index) = self.client_secrets.iter().position(|s| s.expose() == used) else {
            return false;
        };
        if self.client_secrets.len() < 2 {
            return false;
        }
        let mut active = ACTIVE_SECRET.lock().unwrap_or_else(|p| p.into_inner());
        if active.len() >= 1024 {
            active.clear();
        }
        active.insert(self.secrets_key, (index + 1) % self.client_secrets.len());
        true
    }

    /// `SECRET_HASH` for `username`, when the app client has a secret:
    /// base64(HMAC-SHA256(key = secret, msg = username + client id)).
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        let secret = self.client_secret()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(username.as_bytes());
        mac.update(self.client_id.as_bytes());
        Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    fn parse(json: &str) -> Result<PoolConfig> {
        PoolConfig::from_json(json)
    }

    #[test]
    fn region_and_pool_name_come_from_the_pool_id() {
        let c =
            parse(r#"{"UserPoolId":"eu-west-3_AbC123","ClientId":"abc","Paranoia":7}"#).unwrap();
        assert_eq!(c.region, "eu-west-3");
        assert_eq!(c.pool_name, "AbC123");
        assert_eq!(c.auth_flow, AuthFlow::Srp);
        assert_eq!(c.timeout, DEFAULT_TIMEOUT);
        assert!(c.secret_hash("alice").is_none());
    }

    #[test]
    fn pool_ids_of_every_partition_and_nothing_else() {
        for (id, region) in [
            ("us-east-1_AbC123", "us-east-1"),
            ("us-gov-west-1_X1", "us-gov-west-1"),
            ("cn-northwest-1_X1", "cn-northwest-1"),
            ("eusc-de-east-1_X1", "eusc-de-east-1"),
            ("ap-southeast-5_X1", "ap-southeast-5"),
        ] {
            assert_eq!(split_pool_id(id).map(|(r, _)| r), Some(region), "{id}");
        }
        for id in [
            "foo-central-bar_x",
            "us_x",
            "u-east-1_x",
            "useast-east-1_x",
            "us-east-123_x",
            "us-east-1_",
            "us-east-1_a-b",
            "us--1_x",
            "us-east-1x_x",
            "US-EAST-1_x",
            "evil.com/x-east-1_x",
            "_x",
        ] {
            assert_eq!(split_pool_id(id), None, "{id}");
        }
    }

    #[test]
    fn bad_pool_data_is_an_invalid_parameter_error_naming_the_field() {
        for (json, field) in [
            ("null", "poolData"),
            ("[]", "poolData"),
            (r#"{"ClientId":"abc"}"#, "UserPoolId"),
            (
                r#"{"UserPoolId":"nounderscore","ClientId":"abc"}"#,
                "UserPoolId",
            ),
            (
                r#"{"UserPoolId":"us-east-1_","ClientId":"abc"}"#,
                "UserPoolId",
            ),
            (r#"{"UserPoolId":42,"ClientId":"abc"}"#, "UserPoolId"),
            (r#"{"UserPoolId":"us-east-1_x"}"#, "ClientId"),
            (
                r#"{"UserPoolId":"us-east-1_x","ClientId":"a b"}"#,
                "ClientId",
            ),
            (
                r#"{"UserPoolId":"us-east-1_x","ClientId":"a","endpoint":"ftp://x"}"#,
                "endpoint",
            ),
            (
                r#"{"UserPoolId":"us-east-1_x","ClientId":"a","AuthFlow":"CUSTOM"}"#,
                "AuthFlow",
            ),
            (
                r#"{"UserPoolId":"us-east-1_x","ClientId":"a","timeout":-1}"#,
                "timeout",
            ),
            (
                r#"{"UserPoolId":"us-east-1_x","ClientId":"a","timeout":"5"}"#,
                "timeout",
            ),
        ] {
            let err = parse(json).unwrap_err();
            assert_eq!(err.code, code::INVALID_PARAMETER, "{json}");
            assert!(err.message.contains(field), "{json}: {}", err.message);
        }
    }

    #[test]
    fn secret_hash_matches_the_shared_vector() {
        let v: Value = serde_json::from_str(include_str!("../testdata/srp-vectors.json")).unwrap();
        for case in v["secret_hash_vectors"].as_array().unwrap() {
            let json = serde_json::json!({
                "UserPoolId": "us-east-1_x",
                "ClientId": case["client_id"],
                "ClientSecret": case["client_secret"],
            });
            let c = parse(&json.to_string()).unwrap();
            assert_eq!(
                c.secret_hash(case["username"].as_str().unwrap()).as_deref(),
                case["expected_secret_hash_b64"].as_str()
            );
        }
    }

    #[test]
    fn debug_print_hides_the_client_secret() {
        let c =
            parse(r#"{"UserPoolId":"us-east-1_x","ClientId":"a","ClientSecret":"s3cr3t-value"}"#)
                .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cr3t-value"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn options() {
        let c = parse(
            r#"{"UserPoolId":"us-east-1_x","ClientId":"a","AuthFlow":"USER_PASSWORD_AUTH","timeout":2500,"endpoint":"http://127.0.0.1:1"}"#,
        )
        .unwrap();
        assert_eq!(c.auth_flow, AuthFlow::Password);
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:1"));
    }
}
