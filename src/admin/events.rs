//! Threat protection's record of a user's sign-ins, as an admin reads and corrects it: the
//! events with their risk and where they came from, and feedback that an event was or was not
//! the user (which teaches Cognito's risk model).
#![forbid(unsafe_code)]

use super::{for_user, page_size};
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::results::Done;
use aws_sdk_cognitoidentityprovider::primitives::DateTime;
use aws_sdk_cognitoidentityprovider::types::{AuthEventType, FeedbackValueType};
use serde::Serialize;

/// One sign-in event (dates in seconds); what Cognito did not record is null.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthEvent {
    event_id: Option<String>,
    event_type: Option<String>,
    created_at: Option<i64>,
    event_response: Option<String>,
    risk_decision: Option<String>,
    risk_level: Option<String>,
    compromised_credentials_detected: Option<bool>,
    ip_address: Option<String>,
    device_name: Option<String>,
    city: Option<String>,
    country: Option<String>,
    feedback: Option<String>,
}

impl From<&AuthEventType> for AuthEvent {
    fn from(e: &AuthEventType) -> Self {
        let risk = e.event_risk();
        let context = e.event_context_data();
        Self {
            event_id: e.event_id().map(str::to_owned),
            event_type: e.event_type().map(|t| t.as_str().to_owned()),
            created_at: e.creation_date().map(DateTime::secs),
            event_response: e.event_response().map(|r| r.as_str().to_owned()),
            risk_decision: risk
                .and_then(|r| r.risk_decision())
                .map(|d| d.as_str().to_owned()),
            risk_level: risk
                .and_then(|r| r.risk_level())
                .map(|l| l.as_str().to_owned()),
            compromised_credentials_detected: risk
                .and_then(|r| r.compromised_credentials_detected()),
            ip_address: context.and_then(|c| c.ip_address()).map(str::to_owned),
            device_name: context.and_then(|c| c.device_name()).map(str::to_owned),
            city: context.and_then(|c| c.city()).map(str::to_owned),
            country: context.and_then(|c| c.country()).map(str::to_owned),
            feedback: e
                .event_feedback()
                .map(|f| f.feedback_value().as_str().to_owned()),
        }
    }
}

/// `adminListUserAuthEvents`' page: `{ authEvents, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthEventPage {
    auth_events: Vec<AuthEvent>,
    pagination_token: Option<String>,
}

/// `adminListUserAuthEvents({ username, limit?, paginationToken? })`, newest first.
pub async fn admin_list_user_auth_events(
    cognito: &Cognito,
    params: &Params,
) -> Result<AuthEventPage> {
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?;
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_list_user_auth_events()
        .user_pool_id(pool)
        .username(username)
        .set_max_results(limit)
        .set_next_token(token.map(str::to_owned))
        .send()
        .await?;
    Ok(AuthEventPage {
        auth_events: out.auth_events().iter().map(AuthEvent::from).collect(),
        pagination_token: out.next_token().map(str::to_owned),
    })
}

/// `adminUpdateAuthEventFeedback({ username, eventId, feedback: 'Valid' | 'Invalid' })`: whether
/// the event was the user.
pub async fn admin_update_auth_event_feedback(cognito: &Cognito, params: &Params) -> Result<Done> {
    let event_id = params.string("eventId")?;
    let feedback = match params.string("feedback")? {
        "Valid" => FeedbackValueType::Valid,
        "Invalid" => FeedbackValueType::Invalid,
        _ => {
            return Err(Error::invalid_param(
                "feedback must be 'Valid' or 'Invalid'",
            ))
        }
    };
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_update_auth_event_feedback()
        .user_pool_id(pool)
        .username(username)
        .event_id(event_id)
        .feedback_value(feedback)
        .send()
        .await?;
    Ok(Done)
}
