//! The devices Cognito remembers for a user: `confirmDevice` (a device Cognito started tracking
//! at a login gets its SRP secret), `updateDeviceStatus`, `getDevice`, `listDevices`,
//! `forgetDevice`, and the remembered device a login signs in with (`device` param).
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::results::{ConfirmedDevice, Device, Done};
use crate::srp::DeviceSecret;
use aws_sdk_cognitoidentityprovider::types::{
    DeviceRememberedStatusType, DeviceSecretVerifierConfigType,
};
use base64::Engine as _;
use zeroize::Zeroizing;

/// A device confirmed earlier (what `confirmDevice` resolved), as a login's `device` param.
pub struct RememberedDevice {
    pub key: String,
    pub group_key: String,
    pub password: Zeroizing<String>,
}

impl std::fmt::Debug for RememberedDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedDevice")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A login's `device` param: absent (the original's behaviour, nothing about devices is sent or
/// resolved), `{}` (tell me when Cognito starts tracking this device), or a remembered device
/// `{ deviceKey, deviceGroupKey, devicePassword }` to sign in with.
pub enum DeviceChoice {
    NotAsked,
    Asked(Option<RememberedDevice>),
}

impl DeviceChoice {
    pub fn read(params: &Params) -> Result<Self> {
        let Some(device) = params.optional_object("device")? else {
            return Ok(Self::NotAsked);
        };
        let fields = (
            device.optional_string("deviceKey")?,
            device.optional_string("deviceGroupKey")?,
            device.optional_string("devicePassword")?,
        );
        match fields {
            (None, None, None) => Ok(Self::Asked(None)),
            (Some(key), Some(group_key), Some(password)) => {
                Ok(Self::Asked(Some(RememberedDevice {
                    key: key.to_owned(),
                    group_key: group_key.to_owned(),
                    password: Zeroizing::new(password.to_owned()),
                })))
            }
            _ => Err(Error::invalid_param(
                "device must have deviceKey, deviceGroupKey and devicePassword (as confirmDevice resolved them), or none of them",
            )),
        }
    }

    pub fn remembered(&self) -> Option<&RememberedDevice> {
        match self {
            Self::Asked(device) => device.as_ref(),
            Self::NotAsked => None,
        }
    }
}

/// `confirmDevice(auth + { deviceKey, deviceGroupKey, deviceName? })`, for the `newDevice` a login
/// resolved: makes the device's secret (SRP verifier of a random password, computed off the event
/// loop) and hands Cognito the verifier. Resolves `{ deviceKey, deviceGroupKey, devicePassword,
/// userConfirmationNecessary }`, which is what a later login takes as `device`; the password
/// exists nowhere else, so the caller keeps it as it keeps a refresh token.
pub async fn confirm_device(cognito: &Cognito, params: &Params) -> Result<ConfirmedDevice> {
    let device_key = params.string("deviceKey")?;
    let group_key = params.string("deviceGroupKey")?;
    let name = params.optional_string("deviceName")?;
    let token = access_token(cognito, params).await?;
    let (group, key) = (group_key.to_owned(), device_key.to_owned());
    let secret = crate::workers::off_thread(move || DeviceSecret::generate(&group, &key)).await?;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let verifier = DeviceSecretVerifierConfigType::builder()
        .password_verifier(b64(&secret.verifier))
        .salt(b64(&secret.salt))
        .build();
    let out = cognito
        .client
        .confirm_device()
        .access_token(token)
        .device_key(device_key)
        .device_secret_verifier_config(verifier)
        .set_device_name(name.map(str::to_owned))
        .send()
        .await?;
    Ok(ConfirmedDevice {
        device_key: device_key.to_owned(),
        device_group_key: group_key.to_owned(),
        device_password: secret.password,
        user_confirmation_necessary: out.user_confirmation_necessary,
    })
}

/// `updateDeviceStatus(auth + { deviceKey, remembered })`: a remembered device skips MFA at
/// later logins (when the pool says so); a not-remembered one is only tracked.
pub async fn update_device_status(cognito: &Cognito, params: &Params) -> Result<Done> {
    let device_key = params.string("deviceKey")?;
    let status = remembered_status(params)?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .update_device_status()
        .access_token(token)
        .device_key(device_key)
        .device_remembered_status(status)
        .send()
        .await?;
    Ok(Done)
}

/// The `remembered` param (required) as Cognito's status, for the user's call and the admin's.
pub(crate) fn remembered_status(params: &Params) -> Result<DeviceRememberedStatusType> {
    let remembered = params
        .optional_bool("remembered")?
        .ok_or_else(|| Error::invalid_param("remembered is required"))?;
    Ok(if remembered {
        DeviceRememberedStatusType::Remembered
    } else {
        DeviceRememberedStatusType::NotRemembered
    })
}

/// `getDevice(auth + { deviceKey })`: one device, in `listDevices`' shape.
pub async fn get_device(cognito: &Cognito, params: &Params) -> Result<Device> {
    let device_key = params.string("deviceKey")?;
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .get_device()
        .access_token(token)
        .device_key(device_key)
        .send()
        .await?;
    out.device()
        .map(Device::from)
        .ok_or_else(|| Error::bad_response("Cognito answered GetDevice without the device"))
}

/// `listDevices(auth)`: the devices Cognito remembers for the user, as
/// `[{ DeviceKey, DeviceAttributes: [{ Name, Value }], LastAuthenticatedDate }]` (dates in seconds).
pub async fn list_devices(cognito: &Cognito, params: &Params) -> Result<Vec<Device>> {
    let token = access_token(cognito, params).await?;
    let out = cognito
        .client
        .list_devices()
        .access_token(token)
        .send()
        .await?;
    Ok(out.devices().iter().map(Device::from).collect())
}

/// `forgetDevice(auth + { deviceKey })`
pub async fn forget_device(cognito: &Cognito, params: &Params) -> Result<Done> {
    let device_key = params.string("deviceKey")?;
    let token = access_token(cognito, params).await?;
    cognito
        .client
        .forget_device()
        .access_token(token)
        .device_key(device_key)
        .send()
        .await?;
    Ok(Done)
}
