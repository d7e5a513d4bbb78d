//! The one path from any Cognito auth answer to what the caller gets: tokens (with a new device's
//! keys for a caller who asked), or the next step and its session, tagged with its challenge.
#![forbid(unsafe_code)]

use super::attempt::Attempt;
use super::proof::device_srp;
use crate::client::Cognito;
use crate::devices::DeviceChoice;
use crate::error::{Error, Result};
use crate::results::NewDevice;
use crate::step::Step;
use crate::tokens::Tokens;
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

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
pub(super) fn next_step_name(challenge: &ChallengeNameType) -> Option<&'static str> {
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
/// `loginMfa` can answer whichever MFA challenge the session holds without being told. A
/// sign-in `adminLogin` started is tagged `ADMIN:<challenge>:<session>` whatever its challenge,
/// so that its answers go through AdminRespondToAuthChallenge.
pub(super) fn tag_session(challenge: &ChallengeNameType, session: String, admin: bool) -> String {
    match (challenge, admin) {
        (_, true) => format!("{ADMIN_TAG}:{}:{session}", challenge.as_str()),
        (ChallengeNameType::SmsMfa | ChallengeNameType::NewPasswordRequired, false) => session,
        (other, false) => format!("{}:{session}", other.as_str()),
    }
}

/// The tag of a session an admin sign-in holds.
const ADMIN_TAG: &str = "ADMIN";

/// Whether a `loginSession` is an admin sign-in's, the challenge it was tagged with (none for
/// the original's), and Cognito's session.
pub(super) fn untag_session(login_session: &str) -> (bool, Option<ChallengeNameType>, &str) {
    let (admin, rest) = match login_session.split_once(':') {
        Some((ADMIN_TAG, rest)) => (true, rest),
        _ => (false, login_session),
    };
    match rest.split_once(':') {
        Some((name, session)) if next_step_name(&ChallengeNameType::from(name)).is_some() => {
            (admin, Some(ChallengeNameType::from(name)), session)
        }
        _ => (admin, None, rest),
    }
}

/// The one path from a Cognito auth answer to what the caller gets.
pub(super) fn outcome(step: Step, device: &DeviceChoice, admin: bool) -> Result<LoginOutcome> {
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
        login_session: tag_session(&challenge, session, admin),
        challenge_parameters: (!known_to_original).then_some(step.parameters),
        available_challenges,
        credential_request_options,
    }))
}

/// A remembered device's DEVICE_SRP_AUTH is answered here, whichever step it follows; the rest
/// goes to [`outcome`].
pub(super) async fn settle(
    cognito: &Cognito,
    attempt: &Attempt,
    step: Step,
) -> Result<LoginOutcome> {
    let step = match (&step.challenge, attempt.device.remembered()) {
        (Some(ChallengeNameType::DeviceSrpAuth), Some(device)) => {
            device_srp(cognito, attempt, device, step.session).await?
        }
        _ => step,
    };
    outcome(step, &attempt.device, attempt.admin)
}

#[cfg(test)]
mod tests {
    //! fakecloud implements neither SELECT_MFA_TYPE, EMAIL_OTP, SMS_OTP, WEB_AUTHN sign-in,
    //! CUSTOM_CHALLENGE nor NewDeviceMetadata, so how their answers are handled is tested here,
    //! on Cognito-shaped responses (RespondToAuthChallenge's documented ChallengeParameters).
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
            json(outcome(challenge(ChallengeNameType::SmsMfa), &NOT_ASKED, false).unwrap()),
            serde_json::json!({ "nextStep": "MFA_AUTH", "loginSession": "sess" })
        );
        assert_eq!(
            json(
                outcome(
                    challenge(ChallengeNameType::NewPasswordRequired),
                    &NOT_ASKED,
                    false
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
            let value = json(outcome(challenge(name), &NOT_ASKED, false).unwrap());
            assert_eq!(value["nextStep"], step);
            assert_eq!(value["loginSession"], format!("{step}:sess"));
            assert_eq!(
                value["challengeParameters"]["CODE_DELIVERY_DESTINATION"],
                "+*****0100"
            );
            let (admin, tag, session) = untag_session(value["loginSession"].as_str().unwrap());
            assert!(!admin);
            assert_eq!(tag.as_ref().and_then(next_step_name), Some(step));
            assert_eq!(session, "sess");
        }
    }

    #[test]
    fn untagged_and_unknown_tagged_sessions_pass_through_unchanged() {
        assert_eq!(untag_session("AYABeD/x+y=="), (false, None, "AYABeD/x+y=="));
        assert_eq!(
            untag_session("NOT_A_CHALLENGE:x"),
            (false, None, "NOT_A_CHALLENGE:x")
        );
        let (admin, tag, session) = untag_session("EMAIL_OTP:abc");
        assert_eq!(
            (admin, tag, session),
            (false, Some(ChallengeNameType::EmailOtp), "abc")
        );
    }

    #[test]
    fn an_admin_sign_in_tags_every_session_even_the_originals_two() {
        for name in [
            ChallengeNameType::SmsMfa,
            ChallengeNameType::NewPasswordRequired,
            ChallengeNameType::SoftwareTokenMfa,
        ] {
            let value = json(outcome(challenge(name.clone()), &NOT_ASKED, true).unwrap());
            let login_session = value["loginSession"].as_str().unwrap();
            assert_eq!(login_session, format!("ADMIN:{}:sess", name.as_str()));
            assert_eq!(untag_session(login_session), (true, Some(name), "sess"));
        }
    }

    #[test]
    fn an_unknown_challenge_is_a_coded_error_not_a_crash() {
        for name in [
            ChallengeNameType::from("SOME_FUTURE_CHALLENGE"),
            ChallengeNameType::DeviceSrpAuth,
            ChallengeNameType::PasswordVerifier,
        ] {
            let err = outcome(challenge(name.clone()), &NOT_ASKED, false).unwrap_err();
            assert_eq!(err.code, code::UNKNOWN);
            assert!(err.message.contains(name.as_str()), "{}", err.message);
        }
    }

    #[test]
    fn an_answer_with_neither_tokens_nor_challenge_or_no_session_is_an_error() {
        assert_eq!(
            outcome(Step::default(), &NOT_ASKED, false)
                .unwrap_err()
                .code,
            code::UNKNOWN
        );
        let mut no_session = challenge(ChallengeNameType::SmsMfa);
        no_session.session = None;
        assert!(outcome(no_session, &NOT_ASKED, false)
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
        let value = json(outcome(step, &NOT_ASKED, false).unwrap());
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
        let value = json(outcome(step, &NOT_ASKED, false).unwrap());
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
            outcome(unreadable, &NOT_ASKED, false).unwrap_err().code,
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
        let plain = json(outcome(signed_in(true), &NOT_ASKED, false).unwrap());
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
        let value = json(outcome(signed_in(true), &asked, false).unwrap());
        assert_eq!(
            value["newDevice"],
            serde_json::json!({ "deviceKey": "us-east-1_device", "deviceGroupKey": "group" })
        );
        assert_eq!(value["idTokenExpiresAt"], 2_000_000_001);
        let value = json(outcome(signed_in(false), &asked, false).unwrap());
        assert!(value.get("newDevice").is_none());
    }
}
