//! Logging in: `login` (USER_SRP_AUTH, or USER_PASSWORD_AUTH when poolData asks for it) and the
//! answers to the challenges Cognito may set on the way (`loginMfa`, `loginNewPasswordRequired`).
//! Every Cognito answer goes through one path, [`outcome`]: tokens, or the next step to take.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::config::AuthFlow;
use crate::error::{Error, Result};
use crate::mfa::{self, Enrolment};
use crate::params::Params;
use crate::results::TotpSecret;
use crate::srp::{self, Ephemeral, VerifierChallenge};
use crate::step::{initiate, Step};
use crate::tokens::Tokens;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use serde::Serialize;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// What a login step resolves with: tokens, or `{ nextStep, loginSession }`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum LoginOutcome {
    Tokens(Tokens),
    NextStep(NextStep),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextStep {
    pub next_step: &'static str,
    pub login_session: String,
    /// Only for the challenges the original did not know, so its two shapes stay exactly as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_parameters: Option<HashMap<String, String>>,
}

impl std::fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tokens(tokens) => tokens.fmt(f),
            Self::NextStep(step) => f
                .debug_struct("NextStep")
                .field("next_step", &step.next_step)
                .field("challenge_parameters", &step.challenge_parameters)
                .finish_non_exhaustive(),
        }
    }
}

/// The name the caller sees for a challenge; the original called SMS_MFA `MFA_AUTH`.
fn next_step_name(challenge: &ChallengeNameType) -> Option<&'static str> {
    Some(match challenge {
        ChallengeNameType::SmsMfa => "MFA_AUTH",
        ChallengeNameType::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
        ChallengeNameType::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
        ChallengeNameType::SelectMfaType => "SELECT_MFA_TYPE",
        ChallengeNameType::MfaSetup => "MFA_SETUP",
        ChallengeNameType::EmailOtp => "EMAIL_OTP",
        ChallengeNameType::CustomChallenge => "CUSTOM_CHALLENGE",
        _ => return None,
    })
}

/// The original's two steps hand back Cognito's session as it is. The newer ones tag it with
/// their challenge (`SOFTWARE_TOKEN_MFA:<session>`; Cognito sessions never hold a `:`), so
/// `loginMfa` can answer whichever MFA challenge the session holds without being told.
fn tag_session(challenge: &ChallengeNameType, session: String) -> String {
    match challenge {
        ChallengeNameType::SmsMfa | ChallengeNameType::NewPasswordRequired => session,
        other => format!("{}:{session}", other.as_str()),
    }
}

/// The challenge a `loginSession` was tagged with (none for the original's), and Cognito's session.
fn untag_session(login_session: &str) -> (Option<ChallengeNameType>, &str) {
    match login_session.split_once(':') {
        Some((name, session)) if next_step_name(&ChallengeNameType::from(name)).is_some() => {
            (Some(ChallengeNameType::from(name)), session)
        }
        _ => (None, login_session),
    }
}

/// The one path from a Cognito auth answer to what the caller gets.
fn outcome(step: Step) -> Result<LoginOutcome> {
    if let Some(result) = step.result {
        return Tokens::from_result(result, None).map(LoginOutcome::Tokens);
    }
    let challenge = step.challenge.ok_or_else(|| {
        Error::bad_response("Cognito answered with neither tokens nor a challenge")
    })?;
    let next_step = next_step_name(&challenge).ok_or_else(|| {
        Error::bad_response(format!(
            "Cognito asked for the {} challenge, which this package cannot answer",
            challenge.as_str()
        ))
    })?;
    let session = step.session.ok_or_else(|| {
        Error::bad_response(format!(
            "Cognito's {} challenge has no Session",
            challenge.as_str()
        ))
    })?;
    let known_to_original = matches!(next_step, "MFA_AUTH" | "NEW_PASSWORD_REQUIRED");
    Ok(LoginOutcome::NextStep(NextStep {
        next_step,
        login_session: tag_session(&challenge, session),
        challenge_parameters: (!known_to_original).then_some(step.parameters),
    }))
}

/// CPU-heavy SRP work goes to the SRP workers, away from both Node and the async worker.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    crate::workers::run(work)
        .await
        .unwrap_or_else(|| Err(Error::internal("the SRP computation failed")))
}

/// Answer `challenge` as `username` (the name SECRET_HASH is computed with, too).
async fn respond<K: Into<String>>(
    cognito: &Cognito,
    challenge: ChallengeNameType,
    session: Option<String>,
    username: &str,
    answers: impl IntoIterator<Item = (K, String)>,
) -> Result<LoginOutcome> {
    let answers = answers.into_iter().map(|(k, v)| (k.into(), v));
    let responses = cognito.auth_parameters(
        username,
        std::iter::once(("USERNAME".to_owned(), username.to_owned())).chain(answers),
    );
    let out = cognito
        .client
        .respond_to_auth_challenge()
        .set_client_metadata(cognito.client_metadata())
        .set_user_context_data(cognito.user_context())
        .client_id(&cognito.config.client_id)
        .challenge_name(challenge)
        .set_session(session)
        .set_challenge_responses(Some(responses))
        .send()
        .await?;
    outcome(out.into())
}

/// `login({ username, password })`
pub async fn login(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let username = params.string("username")?;
    let password = params.coerced_string("password")?;
    match cognito.config.auth_flow {
        AuthFlow::UserPassword => outcome(
            initiate(
                cognito,
                AuthFlowType::UserPasswordAuth,
                username,
                [
                    ("USERNAME", username.to_owned()),
                    ("PASSWORD", password.into_owned()),
                ],
            )
            .await?,
        ),
        AuthFlow::UserSrp => login_srp(cognito, username, &password).await,
    }
}

async fn login_srp(cognito: &Cognito, username: &str, password: &str) -> Result<LoginOutcome> {
    let ephemeral = off_thread(Ephemeral::generate).await?;
    let step = initiate(
        cognito,
        AuthFlowType::UserSrpAuth,
        username,
        [
            ("USERNAME", username.to_owned()),
            ("SRP_A", ephemeral.public_hex()),
        ],
    )
    .await?;
    if step.challenge != Some(ChallengeNameType::PasswordVerifier) {
        return outcome(step);
    }
    let param = |name: &str| {
        step.parameters.get(name).cloned().ok_or_else(|| {
            Error::bad_response(format!(
                "Cognito's PASSWORD_VERIFIER challenge has no {name}"
            ))
        })
    };
    // The proof and SECRET_HASH use Cognito's internal name for the user, not the typed alias.
    let user_id = param("USER_ID_FOR_SRP")?;
    let (salt, srp_b, secret_block) = (param("SALT")?, param("SRP_B")?, param("SECRET_BLOCK")?);

    let (pool_name, password) = (
        cognito.config.pool_name.clone(),
        Zeroizing::new(password.to_owned()),
    );
    let (id, block) = (user_id.clone(), secret_block.clone());
    let claim = off_thread(move || {
        ephemeral.password_claim(
            &VerifierChallenge {
                pool_name: &pool_name,
                user_id_for_srp: &id,
                salt_hex: &salt,
                srp_b_hex: &srp_b,
                secret_block_b64: &block,
            },
            &password,
            srp::now_timestamp(),
        )
    })
    .await?;

    respond(
        cognito,
        ChallengeNameType::PasswordVerifier,
        step.session,
        &user_id,
        [
            ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
            ("PASSWORD_CLAIM_SIGNATURE", claim.signature_b64),
            ("TIMESTAMP", claim.timestamp),
        ],
    )
    .await
}

/// `loginMfa({ username, loginSession, mfaCode })`: answers the MFA challenge the session holds:
/// SMS_MFA (the original's `MFA_AUTH`), SOFTWARE_TOKEN_MFA or EMAIL_OTP. `mfaType` may name it for
/// a session that came from elsewhere untagged.
pub async fn login_mfa(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let username = params.string("username")?;
    let (tagged, session) = untag_session(params.string("loginSession")?);
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
        _ => {
            return Err(Error::invalid_param(
                "loginSession is not an MFA challenge; mfaType must be SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP",
            ))
        }
    };
    respond(
        cognito,
        challenge,
        Some(session.to_owned()),
        username,
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
    let username = params.string("username")?;
    let (_, session) = untag_session(params.string("loginSession")?);
    let answer = params.string(field)?.to_owned();
    respond(
        cognito,
        challenge,
        Some(session.to_owned()),
        username,
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
    let (_, session) = untag_session(params.string("loginSession")?);
    let issuer = params.optional_string("issuer")?.unwrap_or("Cognito");
    let (secret, next) = mfa::associate(cognito, Enrolment::Session(session)).await?;
    let next =
        next.ok_or_else(|| Error::bad_response("Cognito sent no Session for the MFA set-up"))?;
    Ok(TotpSecret {
        otpauth_uri: mfa::otpauth_uri(issuer, username, &secret),
        secret_code: secret,
        login_session: Some(tag_session(&ChallengeNameType::MfaSetup, next)),
    })
}

/// `loginMfaSetupVerify({ username, loginSession, totpCode })`: checks the app's first code, then
/// answers MFA_SETUP; resolves tokens or the next step.
pub async fn login_mfa_setup_verify(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let username = params.string("username")?;
    let (_, session) = untag_session(params.string("loginSession")?);
    let code = params.string("totpCode")?;
    let next = mfa::verify(cognito, Enrolment::Session(session), code, None).await?;
    let next = next.unwrap_or_else(|| session.to_owned());
    respond(
        cognito,
        ChallengeNameType::MfaSetup,
        Some(next),
        username,
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
    let username = params.string("username")?;
    let session = params.string("loginSession")?;
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
        ChallengeNameType::NewPasswordRequired,
        Some(session.to_owned()),
        username,
        answers,
    )
    .await
}

#[cfg(test)]
mod tests {
    //! fakecloud implements neither SELECT_MFA_TYPE, EMAIL_OTP nor CUSTOM_CHALLENGE, so how their
    //! answers are handled is tested here, on Cognito-shaped responses.
    use super::*;
    use crate::error::code;

    fn challenge(name: ChallengeNameType) -> Step {
        Step {
            challenge: Some(name),
            session: Some("sess".into()),
            parameters: HashMap::from([("CODE_DELIVERY_DESTINATION".into(), "+*****0100".into())]),
            result: None,
        }
    }

    fn json(outcome: LoginOutcome) -> serde_json::Value {
        serde_json::to_value(outcome).unwrap()
    }

    #[test]
    fn the_originals_challenges_keep_their_exact_shape() {
        assert_eq!(
            json(outcome(challenge(ChallengeNameType::SmsMfa)).unwrap()),
            serde_json::json!({ "nextStep": "MFA_AUTH", "loginSession": "sess" })
        );
        assert_eq!(
            json(outcome(challenge(ChallengeNameType::NewPasswordRequired)).unwrap()),
            serde_json::json!({ "nextStep": "NEW_PASSWORD_REQUIRED", "loginSession": "sess" })
        );
    }

    #[test]
    fn newer_challenges_become_next_steps_with_their_parameters() {
        for (name, step) in [
            (ChallengeNameType::SoftwareTokenMfa, "SOFTWARE_TOKEN_MFA"),
            (ChallengeNameType::SelectMfaType, "SELECT_MFA_TYPE"),
            (ChallengeNameType::MfaSetup, "MFA_SETUP"),
            (ChallengeNameType::EmailOtp, "EMAIL_OTP"),
            (ChallengeNameType::CustomChallenge, "CUSTOM_CHALLENGE"),
        ] {
            let value = json(outcome(challenge(name)).unwrap());
            assert_eq!(value["nextStep"], step);
            assert_eq!(value["loginSession"], format!("{step}:sess"));
            assert_eq!(
                value["challengeParameters"]["CODE_DELIVERY_DESTINATION"],
                "+*****0100"
            );
            let (tag, session) = untag_session(value["loginSession"].as_str().unwrap());
            assert_eq!(tag.as_ref().and_then(next_step_name), Some(step));
            assert_eq!(session, "sess");
        }
    }

    #[test]
    fn untagged_and_unknown_tagged_sessions_pass_through_unchanged() {
        assert_eq!(untag_session("AYABeD/x+y=="), (None, "AYABeD/x+y=="));
        assert_eq!(
            untag_session("NOT_A_CHALLENGE:x"),
            (None, "NOT_A_CHALLENGE:x")
        );
        let (tag, session) = untag_session("EMAIL_OTP:abc");
        assert_eq!((tag, session), (Some(ChallengeNameType::EmailOtp), "abc"));
    }

    #[test]
    fn an_unknown_challenge_is_a_coded_error_not_a_crash() {
        for name in [
            ChallengeNameType::from("SOME_FUTURE_CHALLENGE"),
            ChallengeNameType::DeviceSrpAuth,
            ChallengeNameType::PasswordVerifier,
        ] {
            let err = outcome(challenge(name.clone())).unwrap_err();
            assert_eq!(err.code, code::UNKNOWN);
            assert!(err.message.contains(name.as_str()), "{}", err.message);
        }
    }

    #[test]
    fn an_answer_with_neither_tokens_nor_challenge_or_no_session_is_an_error() {
        assert_eq!(outcome(Step::default()).unwrap_err().code, code::UNKNOWN);
        let mut no_session = challenge(ChallengeNameType::SmsMfa);
        no_session.session = None;
        assert!(outcome(no_session).unwrap_err().message.contains("Session"));
    }
}
