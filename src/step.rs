//! InitiateAuth, the request every login flow starts with, and what Cognito
//! answers it or a challenge's answer with: a [`Step`].
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::Result;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};
use std::collections::HashMap;

/// One answer of InitiateAuth or RespondToAuthChallenge (or their admin forms).
#[derive(Default)]
pub struct Step {
    pub challenge: Option<ChallengeNameType>,
    pub session: Option<String>,
    pub parameters: HashMap<String, String>,
    /// SELECT_CHALLENGE's choices (a field of its own, not a challenge parameter).
    pub available: Vec<ChallengeNameType>,
    pub result: Option<AuthenticationResultType>,
}

/// The four operations answer with the same fields.
macro_rules! step_from {
    ($($output:ty),+) => {$(
        impl From<$output> for Step {
            fn from(out: $output) -> Self {
                Self {
                    challenge: out.challenge_name,
                    session: out.session,
                    parameters: out.challenge_parameters.unwrap_or_default(),
                    available: out.available_challenges.unwrap_or_default(),
                    result: out.authentication_result,
                }
            }
        }
    )+};
}

step_from!(
    InitiateAuthOutput,
    RespondToAuthChallengeOutput,
    AdminInitiateAuthOutput,
    AdminRespondToAuthChallengeOutput
);

/// InitiateAuth of `flow` for `username` (the name SECRET_HASH is computed with).
pub async fn initiate<K: Into<String>>(
    cognito: &Cognito,
    flow: AuthFlowType,
    username: &str,
    parameters: impl IntoIterator<Item = (K, String)>,
) -> Result<Step> {
    let out = cognito
        .client
        .initiate_auth()
        .set_client_metadata(cognito.client_metadata())
        .set_user_context_data(cognito.user_context())
        .client_id(&cognito.config.client_id)
        .auth_flow(flow)
        .set_auth_parameters(Some(cognito.auth_parameters(username, parameters)))
        .send()
        .await?;
    Ok(out.into())
}

/// AdminInitiateAuth of `flow` for `username`: the server-side sign-in, signed with the process's
/// AWS credentials, with the end user's `ContextData` when the call gives it.
pub async fn admin_initiate<K: Into<String>>(
    cognito: &Cognito,
    flow: AuthFlowType,
    username: &str,
    parameters: impl IntoIterator<Item = (K, String)>,
) -> Result<Step> {
    let out = cognito
        .admin()
        .await
        .admin_initiate_auth()
        .set_client_metadata(cognito.client_metadata())
        .set_context_data(cognito.context_data())
        .user_pool_id(&cognito.config.user_pool_id)
        .client_id(&cognito.config.client_id)
        .auth_flow(flow)
        .set_auth_parameters(Some(cognito.auth_parameters(username, parameters)))
        .send()
        .await?;
    Ok(out.into())
}
