//! The caller's session and account: `refreshSession` and `logout`, and beyond the original
//! `revokeToken` and `deleteUser`.
#![forbid(unsafe_code)]

use crate::caller::{access_token, refresh};
use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::results::Done;
use crate::tokens::Tokens;

/// `refreshSession({ username, refreshToken, accessToken?, idToken? })`: with a client secret and
/// users who sign in with an alias, pass one of the old tokens too (see `caller::internal_username`).
pub async fn refresh_session(cognito: &Cognito, params: &Params) -> Result<Tokens> {
    let username = params.present_string("username")?;
    let refresh_token = params.string("refreshToken")?;
    refresh(cognito, params, &username, refresh_token).await
}

/// `logout(auth)`: GlobalSignOut, which revokes every token of the user.
pub async fn logout(cognito: &Cognito, params: &Params) -> Result<Done> {
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .global_sign_out()
        .access_token(token)
        .send()
        .await?;
    Ok(Done)
}

/// `revokeToken({ refreshToken })`: the refresh token and the tokens it issued stop working.
pub async fn revoke_token(cognito: &Cognito, params: &Params) -> Result<Done> {
    let refresh_token = params.string("refreshToken")?;
    cognito
        .client
        .revoke_token()
        .token(refresh_token)
        .client_id(&cognito.config.client_id)
        .set_client_secret(cognito.config.client_secret().map(str::to_owned))
        .send()
        .await?;
    Ok(Done)
}

/// `deleteUser(auth)`: the user deletes their own account.
pub async fn delete_user(cognito: &Cognito, params: &Params) -> Result<Done> {
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .delete_user()
        .access_token(token)
        .send()
        .await?;
    Ok(Done)
}
