//! The user's attributes: `profile`, `profileEdit`, `profileAttributeConfirm`,
//! `profileEditPhoneNumber`.
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::Cognito;
use crate::error::Result;
use crate::mfa::set_sms_mfa;
use crate::params::Params;
use crate::results::{attributes, Attribute, CodeDelivery, Done};

/// `profile(auth)`: `[{ Name, Value }, ...]`.
pub async fn profile(cognito: &Cognito, params: &Params) -> Result<Vec<Attribute>> {
    let token = access_token(cognito, params).await?;
    let user = cognito.client.get_user().access_token(token).send().await?;
    Ok(attributes(user.user_attributes()))
}

/// `profileEdit(auth + { attributes })`: a `Value` of null, undefined or '' deletes the attribute;
/// `phone_number` is left to `profileEditPhoneNumber`. Only the calls needed are made, none when
/// there is nothing to change (the original took a missing `attributes` as an empty list).
pub async fn profile_edit(cognito: &Cognito, params: &Params) -> Result<Done> {
    let attributes = params.attribute_list("attributes")?.unwrap_or_default();
    let token = access_token(cognito, params).await?;
    let (updates, deletes): (Vec<_>, Vec<_>) = attributes
        .into_iter()
        .filter(|a| a.name != "phone_number")
        .partition(|a| a.value.is_some());
    if !updates.is_empty() {
        cognito
            .client
            .update_user_attributes()
            .set_client_metadata(cognito.client_metadata())
            .access_token(&token)
            .set_user_attributes(Some(updates.iter().map(|a| a.to_cognito()).collect()))
            .send()
            .await?;
    }
    if !deletes.is_empty() {
        cognito
            .client
            .delete_user_attributes()
            .access_token(&token)
            .set_user_attribute_names(Some(deletes.into_iter().map(|a| a.name).collect()))
            .send()
            .await?;
    }
    Ok(Done)
}

/// `profileAttributeConfirm(auth + { attribute, confirmationCode })`
pub async fn profile_attribute_confirm(cognito: &Cognito, params: &Params) -> Result<Done> {
    let attribute = params.string("attribute")?;
    let code = params.string("confirmationCode")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .verify_user_attribute()
        .access_token(token)
        .attribute_name(attribute)
        .code(code)
        .send()
        .await?;
    Ok(Done)
}

/// `profileAttributeResend(auth + { attribute })`: sends (again) the code that
/// `profileAttributeConfirm` takes, and resolves where it went (beyond the original).
pub async fn profile_attribute_resend(cognito: &Cognito, params: &Params) -> Result<CodeDelivery> {
    let attribute = params.string("attribute")?;
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .get_user_attribute_verification_code()
        .set_client_metadata(cognito.client_metadata())
        .access_token(token)
        .attribute_name(attribute)
        .send()
        .await?;
    Ok(CodeDelivery::from(out.code_delivery_details()))
}

/// `profileEditPhoneNumber(auth + { phone_number })`: sets the number, or, when it is null or
/// undefined, turns SMS MFA off first (Cognito refuses to drop the number MFA relies on) and
/// deletes it.
pub async fn profile_edit_phone_number(cognito: &Cognito, params: &Params) -> Result<Done> {
    let phone_number = params.optional_string("phone_number")?;
    let token = access_token(cognito, params).await?;
    match phone_number {
        Some(number) => {
            let attribute = crate::params::Attribute {
                name: "phone_number".into(),
                value: Some(number.to_owned()),
            };
            cognito
                .client
                .update_user_attributes()
                .set_client_metadata(cognito.client_metadata())
                .access_token(&token)
                .user_attributes(attribute.to_cognito())
                .send()
                .await?;
        }
        None => {
            set_sms_mfa(cognito, &token, false).await?;
            cognito
                .client
                .delete_user_attributes()
                .access_token(&token)
                .user_attribute_names("phone_number")
                .send()
                .await?;
        }
    }
    Ok(Done)
}
