//! Signing up: `signup`, `signupConfirm`, `signupResend`.
#![forbid(unsafe_code)]

use crate::client::{for_user, Cognito};
use crate::error::Result;
use crate::params::Params;
use crate::results::{CodeDelivery, Done, SignedUp};

/// `signup({ username, password, attributes? })` resolves `{ username }`.
pub async fn signup(cognito: &Cognito, params: &Params) -> Result<SignedUp> {
    let username = params.string("username")?;
    let password = params.string("password")?;
    let attributes = params.attribute_list("attributes")?.unwrap_or_default();
    for_user!(cognito, sign_up, username)
        .password(password)
        .set_user_attributes(Some(attributes.iter().map(|a| a.to_cognito()).collect()))
        .send()
        .await?;
    Ok(SignedUp {
        username: username.to_owned(),
    })
}

/// `signupConfirm({ username, confirmationCode })`; an alias (email, phone) already held by another
/// user moves to this one, as the original asked (ForceAliasCreation).
pub async fn signup_confirm(cognito: &Cognito, params: &Params) -> Result<Done> {
    let username = params.string("username")?;
    let code = params.string("confirmationCode")?;
    for_user!(cognito, confirm_sign_up, username)
        .confirmation_code(code)
        .force_alias_creation(true)
        .send()
        .await?;
    Ok(Done)
}

/// `signupResend({ username })`
pub async fn signup_resend(cognito: &Cognito, params: &Params) -> Result<CodeDelivery> {
    let username = params.string("username")?;
    let out = for_user!(cognito, resend_confirmation_code, username)
        .send()
        .await?;
    Ok(CodeDelivery::from(out.code_delivery_details()))
}
