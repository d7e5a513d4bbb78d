//! Passwords: `passwordChange` (signed in), `passwordForgot` and `passwordReset` (signed out).
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::{for_user, Cognito};
use crate::error::Result;
use crate::params::Params;
use crate::results::{CodeDelivery, Done};

/// `passwordChange(auth + { oldPassword, newPassword })`
pub async fn password_change(cognito: &Cognito, params: &Params) -> Result<Done> {
    let old_password = params.string("oldPassword")?;
    let new_password = params.string("newPassword")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .change_password()
        .access_token(token)
        .previous_password(old_password)
        .proposed_password(new_password)
        .send()
        .await?;
    Ok(Done)
}

/// `passwordForgot({ username })`: Cognito sends a reset code.
pub async fn password_forgot(cognito: &Cognito, params: &Params) -> Result<CodeDelivery> {
    let username = params.string("username")?;
    let out = for_user!(cognito, forgot_password, username).send().await?;
    Ok(CodeDelivery::from(out.code_delivery_details()))
}

/// `passwordReset({ username, passwordResetCode, newPassword })`
pub async fn password_reset(cognito: &Cognito, params: &Params) -> Result<Done> {
    let username = params.string("username")?;
    let code = params.string("passwordResetCode")?;
    let new_password = params.string("newPassword")?;
    for_user!(cognito, confirm_forgot_password, username)
        .confirmation_code(code)
        .password(new_password)
        .send()
        .await?;
    Ok(Done)
}
