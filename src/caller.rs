//! Authenticating a call with the caller's tokens ("auth" params): the access token it acts
//! with, refreshing first when a refresh token is given.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::tokens::{unverified_claims, Tokens};

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

/// A refresh through GetTokensFromRefreshToken, which every app client takes and the only one a
/// client with refresh token rotation takes (REFRESH_TOKEN_AUTH is refused there). The operation
/// takes the client secret itself, not a SECRET_HASH, and the device key of a remembered device
/// (`deviceKey`). The tokens keep the caller's refresh token when Cognito sends none back (no
/// rotation), and are kept for the answer (`Cognito::refreshed`) so that a rotated refresh token
/// reaches the caller even when the method it was refreshed for then fails.
pub(crate) async fn refresh(
    cognito: &Cognito,
    params: &Params,
    username: &str,
    refresh_token: &str,
) -> Result<Tokens> {
    let device_key = params.optional_string("deviceKey")?;
    let out = cognito
        .client
        .get_tokens_from_refresh_token()
        .set_client_metadata(cognito.client_metadata())
        .client_id(&cognito.config.client_id)
        .refresh_token(refresh_token)
        .set_client_secret(cognito.config.client_secret().map(str::to_owned))
        .set_device_key(device_key.map(str::to_owned))
        .send()
        .await?;
    let result = out.authentication_result.ok_or_else(|| {
        Error::bad_response("Cognito answered GetTokensFromRefreshToken without tokens")
    })?;
    let tokens = Tokens::from_result(result, Some(refresh_token))?;
    cognito.keep_refreshed(username, &tokens);
    Ok(tokens)
}
