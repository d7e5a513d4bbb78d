//! The devices Cognito remembers for a user: `listDevices`, `forgetDevice`.
#![forbid(unsafe_code)]

use crate::caller::access_token;
use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::results::{Device, Done};

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
