//! MFA: SMS MFA in the original's shapes (`getMfa`, `setMfa`) over Cognito's MFA preference API,
//! and beyond the original, authenticator apps (`totpAssociate`, `totpVerify`) and the preference
//! of every factor (`setMfaPreference`).
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::results::{AuthFactors, Done, MfaOptions, TotpSecret};
use aws_sdk_cognitoidentityprovider::types::{
    EmailMfaSettingsType, SmsMfaSettingsType, SoftwareTokenMfaSettingsType,
};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// `getMfa(auth)`: `[{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]` when SMS MFA is on,
/// else `null` (the original's MFAOptions shape).
pub async fn get_mfa(cognito: &Cognito, params: &Params) -> Result<MfaOptions> {
    let token = access_token(cognito, params).await?;
    let user = cognito.client.get_user().access_token(token).send().await?;
    let sms_on = user.user_mfa_setting_list().iter().any(|m| m == "SMS_MFA")
        || user
            .mfa_options()
            .iter()
            .any(|o| o.delivery_medium().is_some());
    Ok(MfaOptions::sms(sms_on))
}

/// `setMfa(auth + { enableMfa })`: SMS MFA on (and preferred) or off. A missing `enableMfa` turns
/// it off, as in the original.
pub async fn set_mfa(cognito: &Cognito, params: &Params) -> Result<Done> {
    let enable = params.optional_bool("enableMfa")?.unwrap_or(false);
    let token = access_token(cognito, params).await?;
    set_sms_mfa(cognito, &token, enable).await?;
    Ok(Done)
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

/// What an authenticator app is enrolled with: the signed-in user's access token, or the session
/// of a login at its MFA_SETUP step.
pub(crate) enum Enrolment<'a> {
    Token(&'a str),
    Session(&'a str),
}

impl Enrolment<'_> {
    fn token(&self) -> Option<String> {
        match self {
            Self::Token(t) => Some((*t).to_owned()),
            Self::Session(_) => None,
        }
    }
    fn session(&self) -> Option<String> {
        match self {
            Self::Session(s) => Some((*s).to_owned()),
            Self::Token(_) => None,
        }
    }
}

/// AssociateSoftwareToken: the app's secret, and the session to go on with (MFA_SETUP only).
pub(crate) async fn associate(
    cognito: &Cognito,
    by: Enrolment<'_>,
) -> Result<(String, Option<String>)> {
    let out = cognito
        .client
        .associate_software_token()
        .set_access_token(by.token())
        .set_session(by.session())
        .send()
        .await?;
    let secret = out
        .secret_code
        .ok_or_else(|| crate::error::Error::bad_response("Cognito sent no SecretCode"))?;
    Ok((secret, out.session))
}

/// VerifySoftwareToken with the app's first code; the session to go on with (MFA_SETUP only).
pub(crate) async fn verify(
    cognito: &Cognito,
    by: Enrolment<'_>,
    code: &str,
    device: Option<&str>,
) -> Result<Option<String>> {
    let out = cognito
        .client
        .verify_software_token()
        .set_access_token(by.token())
        .set_session(by.session())
        .user_code(code)
        .set_friendly_device_name(device.map(str::to_owned))
        .send()
        .await?;
    match out.status().map(|s| s.as_str()) {
        Some("SUCCESS") => Ok(out.session),
        _ => Err(crate::error::Error::new(
            crate::error::code::CODE_MISMATCH,
            Some(400),
            "The authenticator code was not accepted",
        )),
    }
}

/// `totpAssociate(auth + { issuer? })`: starts enrolling an authenticator app; resolves
/// `{ secretCode, otpauthUri }` (the URI is what a QR code shows).
pub async fn totp_associate(cognito: &Cognito, params: &Params) -> Result<TotpSecret> {
    let issuer = params
        .optional_string("issuer")?
        .unwrap_or("Cognito")
        .to_owned();
    let username = params.string("username")?.to_owned();
    let token = access_token(cognito, params).await?;
    let (secret, _) = associate(cognito, Enrolment::Token(&token)).await?;
    Ok(TotpSecret {
        otpauth_uri: otpauth_uri(&issuer, &username, &secret),
        secret_code: secret,
        login_session: None,
    })
}

/// `otpauth://totp/Issuer:user?secret=...&issuer=Issuer`, the key-URI format authenticator apps read.
pub(crate) fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}",
        enc(issuer),
        enc(username),
        enc(issuer)
    )
}

/// `totpVerify(auth + { totpCode, deviceName? })`: finishes enrolling with a first code.
pub async fn totp_verify(cognito: &Cognito, params: &Params) -> Result<Done> {
    let code = params.string("totpCode")?;
    let device = params.optional_string("deviceName")?;
    let token = access_token(cognito, params).await?;
    verify(cognito, Enrolment::Token(&token), code, device).await?;
    Ok(Done)
}

/// The factors' settings as `setMfaPreference` and `adminSetUserMfaPreference` take them:
/// `{ sms?, totp?, email? }`, each `{ enabled, preferred }`; at least one. Factors left out keep
/// their setting.
pub(crate) struct MfaSettings {
    pub sms: Option<SmsMfaSettingsType>,
    pub totp: Option<SoftwareTokenMfaSettingsType>,
    pub email: Option<EmailMfaSettingsType>,
}

impl MfaSettings {
    pub(crate) fn read(params: &Params) -> Result<Self> {
        let flags = |name: &str| -> Result<Option<(bool, bool)>> {
            let Some(factor) = params.optional_object(name)? else {
                return Ok(None);
            };
            let enabled = factor.optional_bool("enabled")?.unwrap_or(false);
            Ok(Some((
                enabled,
                factor.optional_bool("preferred")?.unwrap_or(false),
            )))
        };
        let (sms, totp, email) = (flags("sms")?, flags("totp")?, flags("email")?);
        if sms.is_none() && totp.is_none() && email.is_none() {
            return Err(crate::error::Error::invalid_param(
                "give at least one of sms, totp, email as { enabled, preferred }",
            ));
        }
        Ok(Self {
            sms: sms.map(|(e, p)| {
                SmsMfaSettingsType::builder()
                    .enabled(e)
                    .preferred_mfa(p)
                    .build()
            }),
            totp: totp.map(|(e, p)| {
                SoftwareTokenMfaSettingsType::builder()
                    .enabled(e)
                    .preferred_mfa(p)
                    .build()
            }),
            email: email.map(|(e, p)| {
                EmailMfaSettingsType::builder()
                    .enabled(e)
                    .preferred_mfa(p)
                    .build()
            }),
        })
    }
}

/// `setMfaPreference(auth + { sms?, totp?, email? })`, each `{ enabled, preferred }`; factors
/// left out keep their setting.
pub async fn set_mfa_preference(cognito: &Cognito, params: &Params) -> Result<Done> {
    let settings = MfaSettings::read(params)?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .set_user_mfa_preference()
        .access_token(token)
        .set_sms_mfa_settings(settings.sms)
        .set_software_token_mfa_settings(settings.totp)
        .set_email_mfa_settings(settings.email)
        .send()
        .await?;
    Ok(Done)
}

/// `getUserAuthFactors(auth)`: the factors Cognito has for the user (GetUserAuthFactors).
pub async fn get_user_auth_factors(cognito: &Cognito, params: &Params) -> Result<AuthFactors> {
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .get_user_auth_factors()
        .access_token(token)
        .send()
        .await?;
    Ok(AuthFactors::new(
        out.preferred_mfa_setting(),
        out.user_mfa_setting_list(),
        out.configured_user_auth_factors(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otpauth_uris_escape_label_and_issuer() {
        assert_eq!(
            otpauth_uri("My App", "alice@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/My%20App:alice%40example%2Ecom?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
        );
    }
}
