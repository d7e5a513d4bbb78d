//! The answers to the challenges a sign-in may meet: codes (`loginMfa`), the SELECT_CHALLENGE
//! and SELECT_MFA_TYPE choices, custom challenges, passkeys, MFA set-up within the sign-in, and a
//! new password.
#![forbid(unsafe_code)]

use super::attempt::{answer_step, respond, Attempt};
use super::choice::first_factor;
use super::outcome::{tag_session, untag_session, LoginOutcome};
use super::proof::prove_password;
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::mfa::{self, Enrolment};
use crate::params::Params;
use crate::results::TotpSecret;
use crate::srp::Ephemeral;
use crate::workers::off_thread;
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;

/// `loginSelectChallenge({ username, loginSession, challenge, password? })`: answers USER_AUTH's
/// SELECT_CHALLENGE. PASSWORD_SRP proves the password here (SRP, off the event loop); PASSWORD
/// sends it; EMAIL_OTP and SMS_OTP resolve their code step (answered through `loginMfa`), and
/// WEB_AUTHN the passkey step (answered through `loginWebAuthn`).
pub async fn login_select_challenge(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let (mut attempt, _, session) = Attempt::answering(params)?;
    let session = Some(session.to_owned());
    let challenge = first_factor(params, "challenge")?
        .ok_or_else(|| Error::invalid_param("challenge is required"))?;
    let choice = ("ANSWER", challenge.to_owned());
    let select = ChallengeNameType::SelectChallenge;
    match challenge {
        "PASSWORD_SRP" => {
            let password = params.string("password")?;
            let ephemeral = off_thread(Ephemeral::generate).await?;
            let answers = [choice, ("SRP_A", ephemeral.public_hex())];
            let step = answer_step(cognito, &attempt, select, session, answers).await?;
            prove_password(cognito, &mut attempt, ephemeral, step, password).await
        }
        "PASSWORD" => {
            let answers = [choice, ("PASSWORD", params.string("password")?.to_owned())];
            respond(cognito, &attempt, select, session, answers).await
        }
        _ => respond(cognito, &attempt, select, session, [choice]).await,
    }
}

/// `loginWebAuthn({ username, loginSession, credential })`: answers WEB_AUTHN with the browser's
/// assertion (`navigator.credentials.get`'s credential as JSON, an object or its text).
pub async fn login_web_authn(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let (attempt, _, session) = Attempt::answering(params)?;
    let credential = params.json_object_text("credential")?;
    respond(
        cognito,
        &attempt,
        ChallengeNameType::WebAuthn,
        Some(session.to_owned()),
        [("CREDENTIAL", credential)],
    )
    .await
}

/// `loginMfa({ username, loginSession, mfaCode })`: answers the code challenge the session holds:
/// SMS_MFA (the original's `MFA_AUTH`), SOFTWARE_TOKEN_MFA or EMAIL_OTP, or USER_AUTH's SMS_OTP.
/// `mfaType` may name it for a session that came from elsewhere untagged.
pub async fn login_mfa(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let (attempt, tagged, session) = Attempt::answering(params)?;
    let code = params.string("mfaCode")?;
    let challenge = match params.optional_string("mfaType")? {
        None => tagged.unwrap_or(ChallengeNameType::SmsMfa),
        Some("MFA_AUTH") => ChallengeNameType::SmsMfa,
        Some(name) => ChallengeNameType::from(name),
    };
    let answer_key = match challenge {
        ChallengeNameType::SmsMfa => "SMS_MFA_CODE",
        ChallengeNameType::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
        ChallengeNameType::EmailOtp => "EMAIL_OTP_CODE",
        ChallengeNameType::SmsOtp => "SMS_OTP_CODE",
        _ => {
            return Err(Error::invalid_param(
                "loginSession is not a code challenge; mfaType must be SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP or SMS_OTP",
            ))
        }
    };
    respond(
        cognito,
        &attempt,
        challenge,
        Some(session.to_owned()),
        [(answer_key, code.to_owned())],
    )
    .await
}

/// Answer `challenge` with the `ANSWER` taken from `params[field]` (SELECT_MFA_TYPE, custom).
async fn answer(
    cognito: &Cognito,
    params: &Params,
    challenge: ChallengeNameType,
    field: &str,
) -> Result<LoginOutcome> {
    let (attempt, _, session) = Attempt::answering(params)?;
    let answer = params.string(field)?.to_owned();
    respond(
        cognito,
        &attempt,
        challenge,
        Some(session.to_owned()),
        [("ANSWER", answer)],
    )
    .await
}

/// `loginSelectMfaType({ username, loginSession, mfaType })`: answers SELECT_MFA_TYPE with the
/// factor the user picked; Cognito then sends the MFA challenge of that factor.
pub async fn login_select_mfa_type(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    if !matches!(
        params.optional_string("mfaType")?,
        None | Some("SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP")
    ) {
        return Err(Error::invalid_param(
            "mfaType must be SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP",
        ));
    }
    answer(cognito, params, ChallengeNameType::SelectMfaType, "mfaType").await
}

/// `loginCustomChallenge({ username, loginSession, answer })`: answers a CUSTOM_CHALLENGE set by
/// the pool's Lambda triggers.
pub async fn login_custom_challenge(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    answer(
        cognito,
        params,
        ChallengeNameType::CustomChallenge,
        "answer",
    )
    .await
}

/// `loginMfaSetup({ username, loginSession, issuer? })`, for the MFA_SETUP step (the pool
/// requires MFA and the user has none): starts enrolling an authenticator app within the login.
/// Resolves `{ secretCode, otpauthUri, loginSession }`; the app's first code then goes to
/// `loginMfaSetupVerify` with that session.
pub async fn login_mfa_setup(cognito: &Cognito, params: &Params) -> Result<TotpSecret> {
    let username = params.string("username")?;
    let (admin, _, session) = untag_session(params.string("loginSession")?);
    let issuer = params.optional_string("issuer")?.unwrap_or("Cognito");
    let (secret, next) = mfa::associate(cognito, Enrolment::Session(session)).await?;
    let next =
        next.ok_or_else(|| Error::bad_response("Cognito sent no Session for the MFA set-up"))?;
    Ok(TotpSecret {
        otpauth_uri: mfa::otpauth_uri(issuer, username, &secret),
        secret_code: secret,
        login_session: Some(tag_session(&ChallengeNameType::MfaSetup, next, admin)),
    })
}

/// `loginMfaSetupVerify({ username, loginSession, totpCode })`: checks the app's first code, then
/// answers MFA_SETUP; resolves tokens or the next step.
pub async fn login_mfa_setup_verify(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let (attempt, _, session) = Attempt::answering(params)?;
    let code = params.string("totpCode")?;
    let next = mfa::verify(cognito, Enrolment::Session(session), code, None).await?;
    let next = next.unwrap_or_else(|| session.to_owned());
    respond(
        cognito,
        &attempt,
        ChallengeNameType::MfaSetup,
        Some(next),
        std::iter::empty::<(&str, String)>(),
    )
    .await
}

/// `loginNewPasswordRequired({ username, loginSession, newPassword, attributes? })`; attributes as
/// the original's `{ name: value }` object or a `[{ Name, Value }]` list.
pub async fn login_new_password_required(
    cognito: &Cognito,
    params: &Params,
) -> Result<LoginOutcome> {
    let (attempt, _, session) = Attempt::answering(params)?;
    let new_password = params.string("newPassword")?;
    let attributes = params
        .attribute_map_or_list("attributes")?
        .unwrap_or_default();
    let answers = std::iter::once(("NEW_PASSWORD".to_owned(), new_password.to_owned())).chain(
        attributes
            .into_iter()
            .filter_map(|a| Some((format!("userAttributes.{}", a.name), a.value?))),
    );
    respond(
        cognito,
        &attempt,
        ChallengeNameType::NewPasswordRequired,
        Some(session.to_owned()),
        answers,
    )
    .await
}
