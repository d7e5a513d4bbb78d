//! Tokens: turning an auth result into the original's token object, authenticating a call with the
//! caller's tokens ("auth" params), and the session methods `refreshSession` and `logout`, and
//! beyond the original `revokeToken` and `deleteUser`.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, AuthenticationResultType};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

/// What login, MFA, new-password and refresh resolve with (the original's shape).
#[derive(Serialize, PartialEq, Eq)]
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
    /// refresh token the caller already holds: Cognito sends none back on REFRESH_TOKEN_AUTH.
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

const NOT_AUTHENTICATED: &str = "User is not authenticated";

/// The one path for "authenticate with tokens": the access token a call acts with. A refresh
/// token, when given, wins (as in the original): the call refreshes first and uses the new
/// access token. Otherwise the given access token is used as it is; the server judges it.
pub async fn access_token(cognito: &Cognito, params: &Params) -> Result<String> {
    // Required but unused by the token calls, so any string (even '') will do, as in the original.
    let username = params.present_string("username")?;
    if let Some(refresh_token) = params.optional_string("refreshToken")? {
        return Ok(refresh(cognito, params, &username, refresh_token)
            .await?
            .access_token);
    }
    // The id token is not needed for any call; it is checked only when given, for its type.
    params.optional_string("idToken")?;
    let token = params.optional_string("accessToken")?.ok_or_else(|| {
        Error::invalid_param(format!(
            "{NOT_AUTHENTICATED}: give accessToken (with idToken) or refreshToken"
        ))
    })?;
    if unverified_claims(token).is_none() {
        return Err(Error::invalid_param(format!(
            "{NOT_AUTHENTICATED}: accessToken is not a JWT"
        )));
    }
    Ok(token.to_owned())
}

/// Cognito's own name for the user (`username` of an access token, `cognito:username` of an id
/// token), when the caller passed one of their tokens along: SECRET_HASH on REFRESH_TOKEN_AUTH
/// must use it, not an alias (email, phone) the user typed.
fn internal_username(params: &Params) -> Result<Option<String>> {
    let claim = |field: &str, name: &str| -> Result<Option<String>> {
        Ok(params
            .optional_string(field)?
            .and_then(unverified_claims)
            .and_then(|claims| claims.get(name)?.as_str().map(str::to_owned)))
    };
    Ok(claim("accessToken", "username")?.or(claim("idToken", "cognito:username")?))
}

/// REFRESH_TOKEN_AUTH, SECRET_HASH computed with the internal username when the params carry a
/// token, else with the given `username`.
async fn refresh(
    cognito: &Cognito,
    params: &Params,
    username: &str,
    refresh_token: &str,
) -> Result<Tokens> {
    let hash_user = internal_username(params)?.unwrap_or_else(|| username.to_owned());
    let out = cognito
        .client
        .initiate_auth()
        .client_id(&cognito.config.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .set_auth_parameters(Some(
            cognito.auth_parameters(&hash_user, [("REFRESH_TOKEN", refresh_token.to_owned())]),
        ))
        .send()
        .await?;
    let result = out
        .authentication_result
        .ok_or_else(|| Error::bad_response("Cognito answered REFRESH_TOKEN_AUTH without tokens"))?;
    Tokens::from_result(result, Some(refresh_token))
}

/// `refreshSession({ username, refreshToken, accessToken?, idToken? })`: with a client secret and
/// users who sign in with an alias, pass one of the old tokens too (see [`internal_username`]).
pub async fn refresh_session(cognito: &Cognito, params: &Params) -> Result<Tokens> {
    let username = params.present_string("username")?;
    let refresh_token = params.string("refreshToken")?;
    refresh(cognito, params, &username, refresh_token).await
}

/// `logout(auth)`: GlobalSignOut, which revokes every token of the user.
pub async fn logout(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .global_sign_out()
        .access_token(token)
        .send()
        .await?;
    Ok(crate::SUCCESS)
}

/// `revokeToken({ refreshToken })`: the refresh token and the tokens it issued stop working.
pub async fn revoke_token(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let refresh_token = params.string("refreshToken")?;
    cognito
        .client
        .revoke_token()
        .token(refresh_token)
        .client_id(&cognito.config.client_id)
        .set_client_secret(cognito.config.client_secret().map(str::to_owned))
        .send()
        .await?;
    Ok(crate::SUCCESS)
}

/// `deleteUser(auth)`: the user deletes their own account.
pub async fn delete_user(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .delete_user()
        .access_token(token)
        .send()
        .await?;
    Ok(crate::SUCCESS)
}

/// `listDevices(auth)`: the devices Cognito remembers for the user, as
/// `[{ DeviceKey, DeviceAttributes: [{ Name, Value }], LastAuthenticatedDate }]` (dates in seconds).
pub async fn list_devices(cognito: &Cognito, params: &Params) -> Result<Value> {
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .list_devices()
        .access_token(token)
        .send()
        .await?;
    Ok(out
        .devices()
        .iter()
        .map(|d| {
            serde_json::json!({
                "DeviceKey": d.device_key(),
                "DeviceAttributes": d.device_attributes().iter()
                    .map(|a| serde_json::json!({ "Name": a.name(), "Value": a.value() }))
                    .collect::<Vec<_>>(),
                "LastAuthenticatedDate": d.device_last_authenticated_date().map(|t| t.secs()),
            })
        })
        .collect())
}

/// `forgetDevice(auth + { deviceKey })`
pub async fn forget_device(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let device_key = params.string("deviceKey")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .forget_device()
        .access_token(token)
        .device_key(device_key)
        .send()
        .await?;
    Ok(crate::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(claims))
    }

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
        assert_eq!(e.code, "UnknownError");
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
    fn the_internal_username_comes_from_the_callers_tokens() {
        let params = |json: &str| Params::from_json(json).unwrap();
        let access = jwt(r#"{"username":"7f3a-uuid","exp":1}"#);
        let id = jwt(r#"{"cognito:username":"9b2c-uuid","exp":1}"#);
        let both = format!(r#"{{"accessToken":"{access}","idToken":"{id}"}}"#);
        assert_eq!(
            internal_username(&params(&both)).unwrap().as_deref(),
            Some("7f3a-uuid")
        );
        let only_id = format!(r#"{{"idToken":"{id}"}}"#);
        assert_eq!(
            internal_username(&params(&only_id)).unwrap().as_deref(),
            Some("9b2c-uuid")
        );
        assert_eq!(
            internal_username(&params(r#"{"accessToken":"garbage"}"#)).unwrap(),
            None
        );
        assert_eq!(internal_username(&params("{}")).unwrap(), None);
        assert!(internal_username(&params(r#"{"idToken":5}"#)).is_err());
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
