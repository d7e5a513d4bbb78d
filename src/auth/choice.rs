//! Starting the choice-based sign-in (USER_AUTH): a preferred first factor, the password by SRP,
//! or Cognito's SELECT_CHALLENGE menu.
#![forbid(unsafe_code)]

use super::attempt::{start, Attempt};
use super::outcome::LoginOutcome;
use super::password::login_srp;
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

/// The first factors `preferredChallenge` and `loginSelectChallenge` may name.
const FIRST_FACTORS: &[&str] = &[
    "PASSWORD_SRP",
    "PASSWORD",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

pub(super) fn first_factor<'a>(params: &'a Params, name: &str) -> Result<Option<&'a str>> {
    match params.optional_string(name)? {
        Some(factor) if !FIRST_FACTORS.contains(&factor) => Err(Error::invalid_param(format!(
            "{name} must be one of {}",
            FIRST_FACTORS.join(", ")
        ))),
        other => Ok(other),
    }
}

/// USER_AUTH: with a password and no preference, PASSWORD_SRP (the password never leaves the
/// process); with no password and no preference, Cognito's SELECT_CHALLENGE menu as a next step.
/// A preference Cognito cannot serve also comes back as that menu.
pub(super) async fn login_choice(
    cognito: &Cognito,
    mut attempt: Attempt,
    params: &Params,
) -> Result<LoginOutcome> {
    let password = params.optional_string("password")?;
    let preferred =
        first_factor(params, "preferredChallenge")?.or(password.map(|_| "PASSWORD_SRP"));
    let preference = |extra: Option<(&'static str, String)>| {
        preferred
            .map(|name| ("PREFERRED_CHALLENGE", name.to_owned()))
            .into_iter()
            .chain(extra)
    };
    match (preferred, password) {
        (Some("PASSWORD_SRP"), Some(password)) => {
            let preferred = Some(("PREFERRED_CHALLENGE", "PASSWORD_SRP".to_owned()));
            login_srp(
                cognito,
                &mut attempt,
                AuthFlowType::UserAuth,
                preferred,
                password,
            )
            .await
        }
        (Some("PASSWORD"), Some(password)) => {
            let extra = Some(("PASSWORD", password.to_owned()));
            start(cognito, &attempt, AuthFlowType::UserAuth, preference(extra)).await
        }
        (Some("PASSWORD" | "PASSWORD_SRP"), None) => {
            Err(Error::invalid_param("password is required"))
        }
        _ => start(cognito, &attempt, AuthFlowType::UserAuth, preference(None)).await,
    }
}
