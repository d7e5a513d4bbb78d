//! Signing in: each way of starting a sign-in in a module of its own (the password flows in
//! [`password`], the choice-based USER_AUTH in [`choice`]), the answers to the challenges Cognito
//! may set on the way in [`answers`], the SRP proofs in [`proof`], and one path, [`outcome`], from
//! any Cognito answer to what the caller gets: tokens, or the next step to take. A remembered
//! device (`device` param) answers DEVICE_SRP_AUTH by itself, wherever it comes.
#![forbid(unsafe_code)]

mod answers;
mod attempt;
mod choice;
mod outcome;
mod password;
mod proof;

pub use answers::{
    login_custom_challenge, login_mfa, login_mfa_setup, login_mfa_setup_verify,
    login_new_password_required, login_select_challenge, login_select_mfa_type, login_web_authn,
};
pub use outcome::LoginOutcome;

use crate::client::Cognito;
use crate::config::AuthFlow;
use crate::error::{Error, Result};
use crate::params::Params;
use attempt::Attempt;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

/// `adminLogin({ username, password, device?, contextData? })`: the server-side sign-in
/// (AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH), signed with the process's AWS credentials,
/// for a backend that owns the password form. Resolves what `login` resolves; its challenges are
/// answered by the same methods (`loginMfa`, `loginNewPasswordRequired`, `loginSelectMfaType`,
/// `loginMfaSetup`...), which send them through AdminRespondToAuthChallenge.
pub async fn admin_login(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let mut attempt = Attempt::read(params)?;
    attempt.admin = true;
    // A string, strictly: no original to stay compatible with (login takes numbers, as it did).
    let password = params.string("password")?.to_owned();
    let flow = AuthFlowType::AdminUserPasswordAuth;
    attempt::start(cognito, &attempt, flow, [("PASSWORD", password)]).await
}

/// `login({ username, password, authFlow?, preferredChallenge?, device? })`: the way of starting
/// that poolData's `AuthFlow` or the call's `authFlow` names.
pub async fn login(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let mut attempt = Attempt::read(params)?;
    let flow = match params.optional_string("authFlow")? {
        None => cognito.config.auth_flow,
        Some(name) => AuthFlow::from_name(name)
            .ok_or_else(|| Error::invalid_param(format!("authFlow must be {}", AuthFlow::NAMES)))?,
    };
    match flow {
        AuthFlow::Password => {
            let password = params.coerced_string("password")?.into_owned();
            attempt::start(
                cognito,
                &attempt,
                AuthFlowType::UserPasswordAuth,
                [("PASSWORD", password)],
            )
            .await
        }
        AuthFlow::Srp => {
            let password = params.coerced_string("password")?;
            let flow = AuthFlowType::UserSrpAuth;
            password::login_srp(cognito, &mut attempt, flow, None, &password).await
        }
        AuthFlow::Choice => choice::login_choice(cognito, attempt, params).await,
    }
}
