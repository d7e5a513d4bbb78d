//! Authenticating a call with the caller's tokens ("auth" params): the access token it acts
//! with, refreshing first when a refresh token is given.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::step::initiate;
use crate::tokens::{unverified_claims, Tokens};
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

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
pub(crate) async fn refresh(
    cognito: &Cognito,
    params: &Params,
    username: &str,
    refresh_token: &str,
) -> Result<Tokens> {
    let hash_user = internal_username(params)?.unwrap_or_else(|| username.to_owned());
    let step = initiate(
        cognito,
        AuthFlowType::RefreshTokenAuth,
        &hash_user,
        [("REFRESH_TOKEN", refresh_token.to_owned())],
    )
    .await?;
    let result = step
        .result
        .ok_or_else(|| Error::bad_response("Cognito answered REFRESH_TOKEN_AUTH without tokens"))?;
    Tokens::from_result(result, Some(refresh_token))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::tokens::test_jwt as jwt;

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
}
