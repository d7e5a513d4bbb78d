//! Starting a sign-in with the password: USER_SRP_AUTH (the password proved, never sent) and, for
//! USER_AUTH's PASSWORD_SRP too, the SRP start and its proof.
#![forbid(unsafe_code)]

use super::attempt::Attempt;
use super::outcome::LoginOutcome;
use super::proof::prove_password;
use crate::client::Cognito;
use crate::error::Result;
use crate::srp::Ephemeral;
use crate::step::initiate;
use crate::workers::off_thread;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

/// InitiateAuth of an SRP `flow` (with `extra`, e.g. USER_AUTH's preference) and the proof.
pub(super) async fn login_srp(
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
