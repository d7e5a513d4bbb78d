//! Authenticating a call with the caller's tokens ("auth" params): the access token it acts
//! with, refreshing first when a refresh token is given.
#![forbid(unsafe_code)]

use crate::call_state::CallState;
use crate::client::{Cognito, Refreshed};
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
/// rotation).
///
/// With rotation, the old refresh token is spent once Cognito has the request, so its answer
/// must reach the caller whatever happens to the call: the request runs as a task of its own
/// that outlives the call's timeout (bounded by twice the call's budget), and puts the tokens in
/// the call's refresh slot, from which they are handed to poolData's `onTokens` even when the
/// method then fails, times out or is aborted.
pub(crate) async fn refresh(
    cognito: &Cognito,
    params: &Params,
    username: &str,
    refresh_token: &str,
) -> Result<Tokens> {
    let device_key = params.optional_string("deviceKey")?;
    let request = cognito
        .client
        .get_tokens_from_refresh_token()
        .set_client_metadata(cognito.client_metadata())
        .client_id(&cognito.config.client_id)
        .refresh_token(refresh_token)
        .set_client_secret(cognito.config.client_secret().map(str::to_owned))
        .set_device_key(device_key.map(str::to_owned));
    let mut slot = cognito.refresh_slot().await;
    let bound = cognito.config.timeout * 2;
    let (username, held) = (username.to_owned(), refresh_token.to_owned());
    let in_flight = CallState::spawn(async move {
        let out = tokio::time::timeout(bound, request.send())
            .await
            .map_err(|_| Error::network("Cognito did not answer the refresh in time"))??;
        let result = out.authentication_result.ok_or_else(|| {
            Error::bad_response("Cognito answered GetTokensFromRefreshToken without tokens")
        })?;
        let tokens = Tokens::from_result(result, Some(&held))?;
        *slot = Some(Refreshed {
            username,
            tokens: tokens.clone(),
        });
        Ok(tokens)
    });
    in_flight.await.unwrap_or_else(|_| {
        Err(Error::internal(
            "the refresh failed inside cognito-user-pool",
        ))
    })
}
