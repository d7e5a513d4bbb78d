//! Logging in: `login` (USER_SRP_AUTH, USER_PASSWORD_AUTH or the choice-based USER_AUTH, as
//! poolData or the call asks) and the answers to the challenges Cognito may set on the way
//! (`loginMfa`, `loginNewPasswordRequired`, `loginSelectChallenge`, `loginWebAuthn`, ...). A
//! remembered device (`device` param) answers DEVICE_SRP_AUTH by itself, wherever it comes.
//! Every Cognito answer goes through one path, [`settle`]: tokens, or the next step to take.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::config::AuthFlow;
use crate::devices::{DeviceChoice, RememberedDevice};
use crate::error::{Error, Result};
use crate::mfa::{self, Enrolment};
use crate::params::Params;
use crate::results::{NewDevice, TotpSecret};
use crate::srp::{self, Ephemeral, VerifierChallenge};
use crate::step::{initiate, Step};
use crate::tokens::Tokens;
use crate::workers::off_thread;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// What a login step resolves with: tokens, or `{ nextStep, loginSession }`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum LoginOutcome {
    Tokens(SignedIn),
    NextStep(NextStep),
}

/// The original's five token keys; `newDevice` only for a caller who passed `device`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    #[serde(flatten)]
    pub tokens: Tokens,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_device: Option<NewDevice>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextStep {
    pub next_step: &'static str,
    pub login_session: String,
    /// Only for the challenges the original did not know, so its two shapes stay exactly as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_parameters: Option<HashMap<String, String>>,
    /// SELECT_CHALLENGE: what `loginSelectChallenge` may choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_challenges: Option<Vec<String>>,
    /// WEB_AUTHN: the options for the browser's `navigator.credentials.get` (Cognito's
    /// CREDENTIAL_REQUEST_OPTIONS, read from its JSON text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_request_options: Option<Value>,
}

impl std::fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tokens(signed_in) => f
                .debug_struct("SignedIn")
                .field("tokens", &signed_in.tokens)
                .field("new_device", &signed_in.new_device)
                .finish(),
            Self::NextStep(step) => f
                .debug_struct("NextStep")
                .field("next_step", &step.next_step)
                .field("challenge_parameters", &step.challenge_parameters)
                .field("available_challenges", &step.available_challenges)
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
        ChallengeNameType::SmsOtp => "SMS_OTP",
        ChallengeNameType::CustomChallenge => "CUSTOM_CHALLENGE",
        ChallengeNameType::SelectChallenge => "SELECT_CHALLENGE",
        ChallengeNameType::WebAuthn => "WEB_AUTHN",
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

/// Who is signing in, and with what device: what every request of one login carries.
struct Attempt {
    /// The name SECRET_HASH is computed with and USERNAME answers carry: the typed one, then
    /// Cognito's USER_ID_FOR_SRP once the SRP challenge gave it.
    username: String,
    device: DeviceChoice,
}

impl Attempt {
    fn read(params: &Params) -> Result<Self> {
        Ok(Self {
            username: params.string("username")?.to_owned(),
            device: DeviceChoice::read(params)?,
        })
    }

    /// USERNAME, the remembered device's DEVICE_KEY (Cognito wants it in every request of a
    /// login, as the reference sends it), then `pairs`.
    fn parameters<K: Into<String>>(
        &self,
        pairs: impl IntoIterator<Item = (K, String)>,
    ) -> Vec<(String, String)> {
        let device = self.device.remembered().map(|d| d.key.clone());
        std::iter::once(("USERNAME".to_owned(), self.username.clone()))
            .chain(device.map(|key| ("DEVICE_KEY".to_owned(), key)))
            .chain(pairs.into_iter().map(|(k, v)| (k.into(), v)))
            .collect()
    }
}

/// The one path from a Cognito auth answer to what the caller gets.
fn outcome(step: Step, device: &DeviceChoice) -> Result<LoginOutcome> {
    if let Some(result) = step.result {
        let new_device = match device {
            DeviceChoice::NotAsked => None,
            DeviceChoice::Asked(_) => result.new_device_metadata.as_ref().and_then(|meta| {
                Some(NewDevice {
                    device_key: meta.device_key.clone()?,
                    device_group_key: meta.device_group_key.clone()?,
                })
            }),
        };
        let tokens = Tokens::from_result(result, None)?;
        return Ok(LoginOutcome::Tokens(SignedIn { tokens, new_device }));
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
    let credential_request_options = match challenge {
        ChallengeNameType::WebAuthn => Some(
            step.parameters
                .get("CREDENTIAL_REQUEST_OPTIONS")
                .and_then(|text| serde_json::from_str(text).ok())
                .ok_or_else(|| {
                    Error::bad_response(
                        "Cognito's WEB_AUTHN challenge has no readable CREDENTIAL_REQUEST_OPTIONS",
                    )
                })?,
        ),
        _ => None,
    };
    let available_challenges = (challenge == ChallengeNameType::SelectChallenge).then(|| {
        step.available
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect()
    });
    let known_to_original = matches!(next_step, "MFA_AUTH" | "NEW_PASSWORD_REQUIRED");
    Ok(LoginOutcome::NextStep(NextStep {
        next_step,
        login_session: tag_session(&challenge, session),
        challenge_parameters: (!known_to_original).then_some(step.parameters),
        available_challenges,
        credential_request_options,
    }))
}

/// A remembered device's DEVICE_SRP_AUTH is answered here, whichever step it follows; the rest
/// goes to [`outcome`].
async fn settle(cognito: &Cognito, attempt: &Attempt, step: Step) -> Result<LoginOutcome> {
    let step = match (&step.challenge, attempt.device.remembered()) {
        (Some(ChallengeNameType::DeviceSrpAuth), Some(device)) => {
            device_srp(cognito, attempt, device, step.session).await?
        }
        _ => step,
    };
    outcome(step, &attempt.device)
}

/// One RespondToAuthChallenge for `attempt`.
async fn answer_step<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    challenge: ChallengeNameType,
    session: Option<String>,
    answers: impl IntoIterator<Item = (K, String)>,
) -> Result<Step> {
    let responses = cognito.auth_parameters(&attempt.username, attempt.parameters(answers));
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
    Ok(out.into())
}

/// Answer `challenge` and settle Cognito's answer.
async fn respond<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    challenge: ChallengeNameType,
    session: Option<String>,
    answers: impl IntoIterator<Item = (K, String)>,
) -> Result<LoginOutcome> {
    let step = answer_step(cognito, attempt, challenge, session, answers).await?;
    settle(cognito, attempt, step).await
}

/// InitiateAuth of `flow` for `attempt`, settled.
async fn start<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    flow: AuthFlowType,
    parameters: impl IntoIterator<Item = (K, String)>,
) -> Result<LoginOutcome> {
    let step = initiate(
        cognito,
        flow,
        &attempt.username,
        attempt.parameters(parameters),
    )
    .await?;
    settle(cognito, attempt, step).await
}

/// The three answers to a (DEVICE_)PASSWORD_VERIFIER challenge: the claim over the challenge's
/// SALT, SRP_B and SECRET_BLOCK, with `pool_name` and `user_id` as the proof names them.
fn claim_answers(
    ephemeral: &Ephemeral,
    challenge: &HashMap<String, String>,
    (pool_name, user_id): (&str, &str),
    password: &str,
    timestamp: String,
) -> Result<[(&'static str, String); 3]> {
    let param = |name: &str| {
        challenge
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| Error::bad_response(format!("Cognito's SRP challenge has no {name}")))
    };
    let secret_block = param("SECRET_BLOCK")?;
    let claim = ephemeral.password_claim(
        &VerifierChallenge {
            pool_name,
            user_id_for_srp: user_id,
            salt_hex: param("SALT")?,
            srp_b_hex: param("SRP_B")?,
            secret_block_b64: secret_block,
        },
        password,
        timestamp,
    )?;
    Ok([
        ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block.to_owned()),
        ("PASSWORD_CLAIM_SIGNATURE", claim.signature_b64),
        ("TIMESTAMP", claim.timestamp),
    ])
}

/// [`claim_answers`] on the SRP workers, at the current time.
async fn claim_on_workers(
    ephemeral: Ephemeral,
    challenge: HashMap<String, String>,
    (pool_name, user_id): (String, String),
    password: Zeroizing<String>,
) -> Result<[(&'static str, String); 3]> {
    off_thread(move || {
        let names = (pool_name.as_str(), user_id.as_str());
        claim_answers(
            &ephemeral,
            &challenge,
            names,
            &password,
            srp::now_timestamp(),
        )
    })
    .await
}

/// The SRP proof of the password, once Cognito answered the SRP_A (USER_SRP_AUTH, or USER_AUTH's
/// PASSWORD_SRP) with PASSWORD_VERIFIER; any other answer is settled as it is.
async fn prove_password(
    cognito: &Cognito,
    attempt: &mut Attempt,
    ephemeral: Ephemeral,
    step: Step,
    password: &str,
) -> Result<LoginOutcome> {
    if step.challenge != Some(ChallengeNameType::PasswordVerifier) {
        return settle(cognito, attempt, step).await;
    }
    // The proof and SECRET_HASH use Cognito's internal name for the user, not the typed alias.
    let user_id = step
        .parameters
        .get("USER_ID_FOR_SRP")
        .cloned()
        .ok_or_else(|| {
            Error::bad_response("Cognito's PASSWORD_VERIFIER challenge has no USER_ID_FOR_SRP")
        })?;
    let names = (cognito.config.pool_name.clone(), user_id.clone());
    let password = Zeroizing::new(password.to_owned());
    let answers = claim_on_workers(ephemeral, step.parameters, names, password).await?;
    attempt.username = user_id;
    respond(
        cognito,
        attempt,
        ChallengeNameType::PasswordVerifier,
        step.session,
        answers,
    )
    .await
}

/// DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER: the remembered device proves its password as a
/// user proves theirs, with its device group key in the pool's place and its key in the user's.
async fn device_srp(
    cognito: &Cognito,
    attempt: &Attempt,
    device: &RememberedDevice,
    session: Option<String>,
) -> Result<Step> {
    let ephemeral = off_thread(Ephemeral::generate).await?;
    let srp_a = [("SRP_A", ephemeral.public_hex())];
    let step = answer_step(
        cognito,
        attempt,
        ChallengeNameType::DeviceSrpAuth,
        session,
        srp_a,
    )
    .await?;
    if step.challenge != Some(ChallengeNameType::DevicePasswordVerifier) {
        return Ok(step);
    }
    let names = (device.group_key.clone(), device.key.clone());
    let password = device.password.clone();
    let answers = claim_on_workers(ephemeral, step.parameters, names, password).await?;
    answer_step(
        cognito,
        attempt,
        ChallengeNameType::DevicePasswordVerifier,
        step.session,
        answers,
    )
    .await
}

/// `login({ username, password, authFlow?, preferredChallenge?, device? })`
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
            start(
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
            login_srp(cognito, &mut attempt, flow, None, &password).await
        }
        AuthFlow::Choice => login_choice(cognito, attempt, params).await,
    }
}

/// InitiateAuth of an SRP `flow` (with `extra`, e.g. USER_AUTH's preference) and the proof.
async fn login_srp(
    cognito: &Cognito,
    attempt: &mut Attempt,
    flow: AuthFlowType,
    extra: Option<(&'static str, String)>,
    password: &str,
) -> Result<LoginOutcome> {
    let ephemeral = off_thread(Ephemeral::generate).await?;
    let parameters =
        attempt.parameters(std::iter::once(("SRP_A", ephemeral.public_hex())).chain(extra));
    let step = initiate(cognito, flow, &attempt.username, parameters).await?;
    prove_password(cognito, attempt, ephemeral, step, password).await
}

/// The first factors `preferredChallenge` and `loginSelectChallenge` may name.
const FIRST_FACTORS: &[&str] = &[
    "PASSWORD_SRP",
    "PASSWORD",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

fn first_factor<'a>(params: &'a Params, name: &str) -> Result<Option<&'a str>> {
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
async fn login_choice(
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

/// `loginSelectChallenge({ username, loginSession, challenge, password? })`: answers USER_AUTH's
/// SELECT_CHALLENGE. PASSWORD_SRP proves the password here (SRP, off the event loop); PASSWORD
/// sends it; EMAIL_OTP and SMS_OTP resolve their code step (answered through `loginMfa`), and
/// WEB_AUTHN the passkey step (answered through `loginWebAuthn`).
pub async fn login_select_challenge(cognito: &Cognito, params: &Params) -> Result<LoginOutcome> {
    let mut attempt = Attempt::read(params)?;
    let (_, session) = untag_session(params.string("loginSession")?);
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
    let attempt = Attempt::read(params)?;
    let (_, session) = untag_session(params.string("loginSession")?);
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
    let attempt = Attempt::read(params)?;
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
    let attempt = Attempt::read(params)?;
    let (_, session) = untag_session(params.string("loginSession")?);
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
    let attempt = Attempt::read(params)?;
    let (_, session) = untag_session(params.string("loginSession")?);
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
    let attempt = Attempt::read(params)?;
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
        &attempt,
        ChallengeNameType::NewPasswordRequired,
        Some(session.to_owned()),
        answers,
    )
    .await
}

#[cfg(test)]
mod tests {
    //! fakecloud implements neither SELECT_MFA_TYPE, EMAIL_OTP, SMS_OTP, WEB_AUTHN sign-in,
    //! CUSTOM_CHALLENGE nor the device challenges (it never issues NewDeviceMetadata nor
    //! DEVICE_SRP_AUTH), so how their answers are handled and what is sent back is tested here, on
    //! Cognito-shaped responses (RespondToAuthChallenge's documented ChallengeParameters) and
    //! on the requests amazon-cognito-identity-js itself sent (testdata/device-srp-vectors.json).
    use super::*;
    use crate::error::code;

    fn challenge(name: ChallengeNameType) -> Step {
        Step {
            challenge: Some(name),
            session: Some("sess".into()),
            parameters: HashMap::from([("CODE_DELIVERY_DESTINATION".into(), "+*****0100".into())]),
            available: Vec::new(),
            result: None,
        }
    }

    const NOT_ASKED: DeviceChoice = DeviceChoice::NotAsked;

    fn json(outcome: LoginOutcome) -> serde_json::Value {
        serde_json::to_value(outcome).unwrap()
    }

    #[test]
    fn the_originals_challenges_keep_their_exact_shape() {
        assert_eq!(
            json(outcome(challenge(ChallengeNameType::SmsMfa), &NOT_ASKED).unwrap()),
            serde_json::json!({ "nextStep": "MFA_AUTH", "loginSession": "sess" })
        );
        assert_eq!(
            json(
                outcome(
                    challenge(ChallengeNameType::NewPasswordRequired),
                    &NOT_ASKED
                )
                .unwrap()
            ),
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
            (ChallengeNameType::SmsOtp, "SMS_OTP"),
            (ChallengeNameType::CustomChallenge, "CUSTOM_CHALLENGE"),
        ] {
            let value = json(outcome(challenge(name), &NOT_ASKED).unwrap());
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
            let err = outcome(challenge(name.clone()), &NOT_ASKED).unwrap_err();
            assert_eq!(err.code, code::UNKNOWN);
            assert!(err.message.contains(name.as_str()), "{}", err.message);
        }
    }

    #[test]
    fn an_answer_with_neither_tokens_nor_challenge_or_no_session_is_an_error() {
        assert_eq!(
            outcome(Step::default(), &NOT_ASKED).unwrap_err().code,
            code::UNKNOWN
        );
        let mut no_session = challenge(ChallengeNameType::SmsMfa);
        no_session.session = None;
        assert!(outcome(no_session, &NOT_ASKED)
            .unwrap_err()
            .message
            .contains("Session"));
    }

    #[test]
    fn select_challenge_lists_its_choices() {
        let mut step = challenge(ChallengeNameType::SelectChallenge);
        step.available = vec![
            ChallengeNameType::PasswordSrp,
            ChallengeNameType::EmailOtp,
            ChallengeNameType::WebAuthn,
        ];
        let value = json(outcome(step, &NOT_ASKED).unwrap());
        assert_eq!(value["nextStep"], "SELECT_CHALLENGE");
        assert_eq!(value["loginSession"], "SELECT_CHALLENGE:sess");
        assert_eq!(
            value["availableChallenges"],
            serde_json::json!(["PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"])
        );
    }

    #[test]
    fn web_authn_hands_out_the_request_options_as_json() {
        let options = r#"{"challenge":"Y2hhbGxlbmdl","rpId":"cognito-idp.us-east-1.amazonaws.com","timeout":180000,"userVerification":"required","allowCredentials":[{"type":"public-key","id":"AAEC"}]}"#;
        let mut step = challenge(ChallengeNameType::WebAuthn);
        step.parameters = HashMap::from([("CREDENTIAL_REQUEST_OPTIONS".into(), options.into())]);
        let value = json(outcome(step, &NOT_ASKED).unwrap());
        assert_eq!(value["nextStep"], "WEB_AUTHN");
        assert_eq!(value["loginSession"], "WEB_AUTHN:sess");
        assert_eq!(
            value["credentialRequestOptions"],
            serde_json::from_str::<serde_json::Value>(options).unwrap()
        );
        let mut unreadable = challenge(ChallengeNameType::WebAuthn);
        unreadable.parameters =
            HashMap::from([("CREDENTIAL_REQUEST_OPTIONS".into(), "{not json".into())]);
        assert_eq!(
            outcome(unreadable, &NOT_ASKED).unwrap_err().code,
            code::UNKNOWN
        );
    }

    fn token(exp: i64) -> String {
        crate::tokens::test_jwt(&format!(r#"{{"exp":{exp}}}"#))
    }

    fn signed_in(with_metadata: bool) -> Step {
        use aws_sdk_cognitoidentityprovider::types::{
            AuthenticationResultType, NewDeviceMetadataType,
        };
        let metadata = NewDeviceMetadataType::builder()
            .device_key("us-east-1_device")
            .device_group_key("group")
            .build();
        Step {
            result: Some(
                AuthenticationResultType::builder()
                    .access_token(token(2_000_000_000))
                    .id_token(token(2_000_000_001))
                    .refresh_token("refresh")
                    .set_new_device_metadata(with_metadata.then_some(metadata))
                    .build(),
            ),
            ..Step::default()
        }
    }

    /// The original's five keys unless the caller passed `device`; then `newDevice` when Cognito
    /// started tracking one (NewDeviceMetadata, which fakecloud never sends).
    #[test]
    fn new_device_metadata_reaches_only_callers_who_asked() {
        let plain = json(outcome(signed_in(true), &NOT_ASKED).unwrap());
        let mut keys: Vec<_> = plain.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "accessToken",
                "accessTokenExpiresAt",
                "idToken",
                "idTokenExpiresAt",
                "refreshToken"
            ]
        );
        let asked = DeviceChoice::Asked(None);
        let value = json(outcome(signed_in(true), &asked).unwrap());
        assert_eq!(
            value["newDevice"],
            serde_json::json!({ "deviceKey": "us-east-1_device", "deviceGroupKey": "group" })
        );
        assert_eq!(value["idTokenExpiresAt"], 2_000_000_001);
        let value = json(outcome(signed_in(false), &asked).unwrap());
        assert!(value.get("newDevice").is_none());
    }

    /// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER as amazon-cognito-identity-js sent them, for
    /// the device it confirmed (same `a`, password, server challenge and clock).
    #[test]
    fn device_answers_are_the_references_byte_for_byte() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../testdata/device-srp-vectors.json")).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        for case in v["vectors"].as_array().unwrap() {
            let (input, expected) = (&case["input"], &case["expected"]);
            let s = |key: &str| input[key].as_str().unwrap().to_owned();
            let device = RememberedDevice {
                key: s("device_key"),
                group_key: s("device_group_key"),
                password: Zeroizing::new(s("device_password")),
            };
            let ephemeral = Ephemeral::from_hex(&s("small_a_hex"));
            let salt =
                base64::Engine::decode(&b64, expected["confirm_device"]["Salt"].as_str().unwrap())
                    .unwrap();
            let challenge = HashMap::from([
                ("SRP_B".to_owned(), s("srp_b_hex")),
                (
                    "SALT".to_owned(),
                    salt.iter().map(|b| format!("{b:02x}")).collect(),
                ),
                ("SECRET_BLOCK".to_owned(), s("secret_block_b64")),
            ]);
            let claim = claim_answers(
                &ephemeral,
                &challenge,
                (&device.group_key, &device.key),
                &device.password,
                s("timestamp"),
            )
            .unwrap();
            let attempt = Attempt {
                username: s("username"),
                device: DeviceChoice::Asked(Some(device)),
            };
            let sent = |pairs: Vec<(String, String)>| -> serde_json::Value {
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            assert_eq!(
                sent(attempt.parameters([("SRP_A", ephemeral.public_hex())])),
                expected["device_srp_auth"],
                "{}",
                case["name"]
            );
            assert_eq!(
                sent(attempt.parameters(claim)),
                expected["device_password_verifier"],
                "{}",
                case["name"]
            );
        }
    }

    #[test]
    fn a_remembered_device_debug_print_hides_its_password() {
        let device = RememberedDevice {
            key: "us-east-1_k".into(),
            group_key: "g".into(),
            password: Zeroizing::new("device-password-value".into()),
        };
        let printed = format!("{device:?}");
        assert!(printed.contains("us-east-1_k"));
        assert!(!printed.contains("device-password-value"));
    }
}
