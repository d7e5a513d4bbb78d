//! Who is signing in and with what device, and the two requests of a sign-in: starting it
//! (InitiateAuth) and answering a challenge (RespondToAuthChallenge), each settled by
//! [`super::outcome`].
#![forbid(unsafe_code)]

use super::outcome::{settle, untag_session, LoginOutcome};
use crate::client::Cognito;
use crate::devices::DeviceChoice;
use crate::error::Result;
use crate::params::Params;
use crate::step::{admin_initiate, initiate, Step};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};

/// Who is signing in, and with what device: what every request of one login carries.
pub(super) struct Attempt {
    /// The name SECRET_HASH is computed with and USERNAME answers carry: the typed one, then
    /// Cognito's USER_ID_FOR_SRP once the SRP challenge gave it.
    pub(super) username: String,
    pub(super) device: DeviceChoice,
    /// A server-side sign-in (`adminLogin`): every request goes through the admin operations,
    /// signed with the process's AWS credentials.
    pub(super) admin: bool,
}

impl Attempt {
    pub(super) fn read(params: &Params) -> Result<Self> {
        Ok(Self {
            username: params.string("username")?.to_owned(),
            device: DeviceChoice::read(params)?,
            admin: false,
        })
    }

    /// The attempt a challenge's answer continues, and Cognito's session: `loginSession` says
    /// whether the sign-in was started by `adminLogin`, and which challenge it holds.
    pub(super) fn answering(params: &Params) -> Result<(Self, Option<ChallengeNameType>, &str)> {
        let mut attempt = Self::read(params)?;
        let (admin, challenge, session) = untag_session(params.string("loginSession")?);
        attempt.admin = admin;
        Ok((attempt, challenge, session))
    }

    /// USERNAME, the remembered device's DEVICE_KEY (Cognito wants it in every request of a
    /// login, as the reference sends it), then `pairs`.
    pub(super) fn parameters<K: Into<String>>(
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

/// One RespondToAuthChallenge for `attempt`.
pub(super) async fn answer_step<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    challenge: ChallengeNameType,
    session: Option<String>,
    answers: impl IntoIterator<Item = (K, String)>,
) -> Result<Step> {
    let responses = cognito.auth_parameters(&attempt.username, attempt.parameters(answers));
    if attempt.admin {
        let out = cognito
            .admin()
            .await
            .admin_respond_to_auth_challenge()
            .set_client_metadata(cognito.client_metadata())
            .set_context_data(cognito.context_data())
            .user_pool_id(&cognito.config.user_pool_id)
            .client_id(&cognito.config.client_id)
            .challenge_name(challenge)
            .set_session(session)
            .set_challenge_responses(Some(responses))
            .send()
            .await?;
        return Ok(out.into());
    }
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
pub(super) async fn respond<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    challenge: ChallengeNameType,
    session: Option<String>,
    answers: impl IntoIterator<Item = (K, String)>,
) -> Result<LoginOutcome> {
    let step = answer_step(cognito, attempt, challenge, session, answers).await?;
    settle(cognito, attempt, step).await
}

/// InitiateAuth (AdminInitiateAuth for an admin attempt) of `flow` for `attempt`, settled.
pub(super) async fn start<K: Into<String>>(
    cognito: &Cognito,
    attempt: &Attempt,
    flow: AuthFlowType,
    parameters: impl IntoIterator<Item = (K, String)>,
) -> Result<LoginOutcome> {
    let parameters = attempt.parameters(parameters);
    let step = if attempt.admin {
        admin_initiate(cognito, flow, &attempt.username, parameters).await?
    } else {
        initiate(cognito, flow, &attempt.username, parameters).await?
    };
    settle(cognito, attempt, step).await
}
