//! The shapes methods resolve with, one `Serialize` type each, as the original's callers read
//! them (its PascalCase keys where it passed Cognito's answer on, camelCase where it made its own).
#![forbid(unsafe_code)]

use aws_sdk_cognitoidentityprovider::primitives::DateTime;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFactorType, CodeDeliveryDetailsType, DeviceType, UserStatusType, UserType,
    WebAuthnCredentialDescription,
};
use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

/// What the original resolved with when Cognito had nothing more to say: `'SUCCESS'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done;

impl Serialize for Done {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("SUCCESS")
    }
}

/// `{ Name, Value }`, a user or device attribute as Cognito names it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}

/// Cognito's attributes in the `{ Name, Value }` shape.
pub fn attributes(list: &[AttributeType]) -> Vec<Attribute> {
    list.iter()
        .map(|a| Attribute {
            name: a.name().to_owned(),
            value: a.value().map(str::to_owned),
        })
        .collect()
}

/// `{ CodeDeliveryDetails: { Destination, DeliveryMedium, AttributeName } }`: where a code went,
/// as the original passed on Cognito's answer (absent fields left out).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDelivery {
    code_delivery_details: DeliveryDetails,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_medium: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_name: Option<String>,
}

impl CodeDelivery {
    pub fn from(details: Option<&CodeDeliveryDetailsType>) -> Self {
        let details = details.map_or_else(DeliveryDetails::default, |d| DeliveryDetails {
            destination: d.destination().map(str::to_owned),
            delivery_medium: d.delivery_medium().map(|m| m.as_str().to_owned()),
            attribute_name: d.attribute_name().map(str::to_owned),
        });
        Self {
            code_delivery_details: details,
        }
    }
}

/// `signup`'s `{ username }`.
#[derive(Debug, Serialize)]
pub struct SignedUp {
    pub username: String,
}

/// `getMfa`'s `[{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]` when SMS MFA is on,
/// else `null` (the original's MFAOptions).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct MfaOptions(Option<[SmsMfa; 1]>);

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct SmsMfa {
    delivery_medium: &'static str,
    attribute_name: &'static str,
}

impl MfaOptions {
    pub fn sms(on: bool) -> Self {
        Self(on.then_some([SmsMfa {
            delivery_medium: "SMS",
            attribute_name: "phone_number",
        }]))
    }
}

/// An authenticator app's secret and the `otpauth://` URI a QR code shows; within a login, the
/// session to answer MFA_SETUP with. Its Debug print shows none of them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpSecret {
    pub secret_code: String,
    pub otpauth_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_session: Option<String>,
}

/// `getUserAuthFactors`' `{ preferredMfaSetting, userMfaSettingList, configuredUserAuthFactors }`:
/// the user's second factors (the preferred one, if any) and the first factors it can sign in with
/// in the choice-based flow (`PASSWORD`, `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthFactors {
    pub preferred_mfa_setting: Option<String>,
    pub user_mfa_setting_list: Vec<String>,
    pub configured_user_auth_factors: Vec<String>,
}

impl AuthFactors {
    /// From the fields GetUserAuthFactors and AdminGetUserAuthFactors both answer with.
    pub fn new(preferred: Option<&str>, settings: &[String], factors: &[AuthFactorType]) -> Self {
        Self {
            preferred_mfa_setting: preferred.map(str::to_owned),
            user_mfa_setting_list: settings.to_vec(),
            configured_user_auth_factors: factors.iter().map(|f| f.as_str().to_owned()).collect(),
        }
    }
}

/// `clientCredentials`' `{ accessToken, expiresAt }` (seconds since the epoch). Its Debug print
/// shows only the expiry.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineToken {
    pub access_token: String,
    pub expires_at: i64,
}

/// `listDevices`' `{ DeviceKey, DeviceAttributes, LastAuthenticatedDate }` (seconds).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Device {
    device_key: Option<String>,
    device_attributes: Vec<Attribute>,
    last_authenticated_date: Option<i64>,
}

impl From<&DeviceType> for Device {
    fn from(d: &DeviceType) -> Self {
        Self {
            device_key: d.device_key().map(str::to_owned),
            device_attributes: attributes(d.device_attributes()),
            last_authenticated_date: d.device_last_authenticated_date().map(DateTime::secs),
        }
    }
}

/// What `confirmDevice` resolves: the device as a later login's `device` param takes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmedDevice {
    pub device_key: String,
    pub device_group_key: String,
    pub device_password: Zeroizing<String>,
    pub user_confirmation_necessary: bool,
}

/// `newDevice` in a login's tokens (for a caller who passed `device`): Cognito tracks this
/// device from now on; `confirmDevice` gives it its secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NewDevice {
    pub device_key: String,
    pub device_group_key: String,
}

/// `startWebAuthnRegistration`'s `{ credentialCreationOptions }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialCreation {
    pub credential_creation_options: serde_json::Value,
}

/// A passkey as `listWebAuthnCredentials` resolves it (`createdAt` in seconds).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    credential_id: String,
    friendly_credential_name: String,
    relying_party_id: String,
    authenticator_attachment: Option<String>,
    authenticator_transports: Vec<String>,
    created_at: i64,
}

impl From<&WebAuthnCredentialDescription> for Passkey {
    fn from(c: &WebAuthnCredentialDescription) -> Self {
        Self {
            credential_id: c.credential_id.clone(),
            friendly_credential_name: c.friendly_credential_name.clone(),
            relying_party_id: c.relying_party_id.clone(),
            authenticator_attachment: c.authenticator_attachment.clone(),
            authenticator_transports: c.authenticator_transports.clone(),
            created_at: c.created_at.secs(),
        }
    }
}

/// `listWebAuthnCredentials`' page: `{ credentials, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyPage {
    pub credentials: Vec<Passkey>,
    pub pagination_token: Option<String>,
}

/// A user as the admin calls resolve it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    username: Option<String>,
    attributes: Vec<Attribute>,
    enabled: bool,
    user_status: Option<String>,
    /// Seconds since the epoch.
    created_at: Option<i64>,
}

impl AdminUser {
    pub fn new(
        username: Option<&str>,
        attrs: &[AttributeType],
        enabled: bool,
        status: Option<&UserStatusType>,
        created: Option<&DateTime>,
    ) -> Self {
        Self {
            username: username.map(str::to_owned),
            attributes: attributes(attrs),
            enabled,
            user_status: status.map(|s| s.as_str().to_owned()),
            created_at: created.map(DateTime::secs),
        }
    }
}

impl From<&UserType> for AdminUser {
    fn from(user: &UserType) -> Self {
        Self::new(
            user.username(),
            user.attributes(),
            user.enabled(),
            user.user_status(),
            user.user_create_date(),
        )
    }
}

/// `listUsers`' page: `{ users, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    pub users: Vec<AdminUser>,
    pub pagination_token: Option<String>,
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSecret").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ConfirmedDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmedDevice")
            .field("device_key", &self.device_key)
            .field(
                "user_confirmation_necessary",
                &self.user_confirmation_necessary,
            )
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for MachineToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MachineToken")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, to_value};

    #[test]
    fn debug_prints_hide_secrets_and_tokens() {
        let totp = TotpSecret {
            secret_code: "JBSWY3DPEHPK3PXP".into(),
            otpauth_uri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".into(),
            login_session: Some("session-value".into()),
        };
        let machine = MachineToken {
            access_token: "eyJ.machine.token".into(),
            expires_at: 7,
        };
        let device = ConfirmedDevice {
            device_key: "us-east-1_key".into(),
            device_group_key: "group".into(),
            device_password: Zeroizing::new("device-password-value".into()),
            user_confirmation_necessary: true,
        };
        assert_eq!(
            to_value(&device).unwrap()["devicePassword"],
            "device-password-value"
        );
        let printed = format!("{totp:?} {machine:?} {device:?}");
        for secret in [
            "JBSWY3DPEHPK3PXP",
            "session-value",
            "eyJ.machine.token",
            "device-password-value",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn shapes_as_the_original_resolved_them() {
        assert_eq!(to_value(Done).unwrap(), json!("SUCCESS"));
        assert_eq!(to_value(MfaOptions::sms(false)).unwrap(), json!(null));
        assert_eq!(
            to_value(MfaOptions::sms(true)).unwrap(),
            json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }])
        );
        assert_eq!(
            to_value(CodeDelivery::from(None)).unwrap(),
            json!({ "CodeDeliveryDetails": {} })
        );
        let email = CodeDeliveryDetailsType::builder()
            .destination("a***@e***")
            .delivery_medium(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
            .build();
        assert_eq!(
            to_value(CodeDelivery::from(Some(&email))).unwrap(),
            json!({ "CodeDeliveryDetails": { "Destination": "a***@e***", "DeliveryMedium": "EMAIL" } })
        );
        let attrs = [AttributeType::builder().name("email").build().unwrap()];
        assert_eq!(
            to_value(AdminUser::new(Some("u"), &attrs, true, None, None)).unwrap(),
            json!({ "username": "u", "attributes": [{ "Name": "email", "Value": null }], "enabled": true, "userStatus": null, "createdAt": null })
        );
    }
}
