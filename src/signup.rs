//! Signing up: `signup`, `signupConfirm`, `signupResend`.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::types::CodeDeliveryDetailsType;
use serde_json::{json, Map, Value};

/// `{ CodeDeliveryDetails: { Destination, DeliveryMedium, AttributeName } }`: where a code went,
/// as the original passed on Cognito's answer (absent fields left out).
pub fn code_delivery(details: Option<&CodeDeliveryDetailsType>) -> Value {
    let mut out = Map::new();
    if let Some(d) = details {
        if let Some(v) = d.destination() {
            out.insert("Destination".into(), v.into());
        }
        if let Some(v) = d.delivery_medium() {
            out.insert("DeliveryMedium".into(), v.as_str().into());
        }
        if let Some(v) = d.attribute_name() {
            out.insert("AttributeName".into(), v.into());
        }
    }
    json!({ "CodeDeliveryDetails": out })
}

/// `signup({ username, password, attributes? })` resolves `{ username }`.
pub async fn signup(cognito: &Cognito, params: &Params) -> Result<Value> {
    let username = params.string("username")?;
    let password = params.string("password")?;
    let attributes = params.attribute_list("attributes")?.unwrap_or_default();
    cognito
        .client
        .sign_up()
        .client_id(&cognito.config.client_id)
        .username(username)
        .password(password)
        .set_user_attributes(Some(attributes.iter().map(|a| a.to_cognito()).collect()))
        .set_secret_hash(cognito.config.secret_hash(username))
        .send()
        .await?;
    Ok(json!({ "username": username }))
}

/// `signupConfirm({ username, confirmationCode })`; an alias (email, phone) already held by another
/// user moves to this one, as the original asked (ForceAliasCreation).
pub async fn signup_confirm(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let username = params.string("username")?;
    let code = params.string("confirmationCode")?;
    cognito
        .client
        .confirm_sign_up()
        .client_id(&cognito.config.client_id)
        .username(username)
        .confirmation_code(code)
        .force_alias_creation(true)
        .set_secret_hash(cognito.config.secret_hash(username))
        .send()
        .await?;
    Ok(crate::SUCCESS)
}

/// `signupResend({ username })`
pub async fn signup_resend(cognito: &Cognito, params: &Params) -> Result<Value> {
    let username = params.string("username")?;
    let out = cognito
        .client
        .resend_confirmation_code()
        .client_id(&cognito.config.client_id)
        .username(username)
        .set_secret_hash(cognito.config.secret_hash(username))
        .send()
        .await?;
    Ok(code_delivery(out.code_delivery_details()))
}
