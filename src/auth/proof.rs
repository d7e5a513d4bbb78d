//! The SRP proofs of a sign-in, computed on the SRP workers: the user's password
//! (PASSWORD_VERIFIER) and a remembered device's (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER).
#![forbid(unsafe_code)]

use super::attempt::{answer_step, respond, Attempt};
use super::outcome::{settle, LoginOutcome};
use crate::client::Cognito;
use crate::devices::RememberedDevice;
use crate::error::{Error, Result};
use crate::srp::{self, Ephemeral, VerifierChallenge};
use crate::step::Step;
use crate::workers::off_thread;
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use std::collections::HashMap;
use zeroize::Zeroizing;

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
pub(super) async fn prove_password(
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
pub(super) async fn device_srp(
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

#[cfg(test)]
mod tests {
    //! fakecloud never issues NewDeviceMetadata nor DEVICE_SRP_AUTH, so the device answers are
    //! tested here on the requests amazon-cognito-identity-js itself sent
    //! (testdata/device-srp-vectors.json).
    use super::*;
    use crate::devices::DeviceChoice;

    /// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER as amazon-cognito-identity-js sent them, for
    /// the device it confirmed (same `a`, password, server challenge and clock).
    #[test]
    fn device_answers_are_the_references_byte_for_byte() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../testdata/device-srp-vectors.json")).unwrap();
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
                admin: false,
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
