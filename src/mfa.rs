//! SMS MFA in the original's shapes (`getMfa`, `setMfa`), over Cognito's MFA preference API.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::session::access_token;
use aws_sdk_cognitoidentityprovider::types::SmsMfaSettingsType;
use serde_json::{json, Value};

/// `getMfa(auth)`: `[{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]` when SMS MFA is on,
/// else `null` (the original's MFAOptions shape).
pub async fn get_mfa(cognito: &Cognito, params: &Params) -> Result<Value> {
    let token = access_token(cognito, params).await?;
    let user = cognito.client.get_user().access_token(token).send().await?;
    let sms_on = user.user_mfa_setting_list().iter().any(|m| m == "SMS_MFA")
        || user
            .mfa_options()
            .iter()
            .any(|o| o.delivery_medium().is_some());
    Ok(if sms_on {
        json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }])
    } else {
        Value::Null
    })
}

/// `setMfa(auth + { enableMfa })`: SMS MFA on (and preferred) or off. A missing `enableMfa` turns
/// it off, as in the original.
pub async fn set_mfa(cognito: &Cognito, params: &Params) -> Result<&'static str> {
    let enable = params.optional_bool("enableMfa")?.unwrap_or(false);
    let token = access_token(cognito, params).await?;
    set_sms_mfa(cognito, &token, enable).await?;
    Ok(crate::SUCCESS)
}

pub async fn set_sms_mfa(cognito: &Cognito, token: &str, enabled: bool) -> Result<()> {
    cognito
        .client
        .set_user_mfa_preference()
        .access_token(token)
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(enabled)
                .preferred_mfa(enabled)
                .build(),
        )
        .send()
        .await?;
    Ok(())
}
