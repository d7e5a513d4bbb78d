//! A user's devices as an admin sees them: list, read, forget, and remember or not, by username
//! instead of the user's own access token (the user's own calls are in `crate::devices`).
#![forbid(unsafe_code)]

use super::{for_user, page_size};
use crate::client::Cognito;
use crate::devices::remembered_status;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::results::{Device, Done};
use serde::Serialize;

/// `adminListDevices`' page: `{ devices, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevicePage {
    devices: Vec<Device>,
    pagination_token: Option<String>,
}

/// `adminListDevices({ username, limit?, paginationToken? })`
pub async fn admin_list_devices(cognito: &Cognito, params: &Params) -> Result<DevicePage> {
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?;
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_list_devices()
        .user_pool_id(pool)
        .username(username)
        .set_limit(limit)
        .set_pagination_token(token.map(str::to_owned))
        .send()
        .await?;
    Ok(DevicePage {
        devices: out.devices().iter().map(Device::from).collect(),
        pagination_token: out.pagination_token().map(str::to_owned),
    })
}

/// `adminGetDevice({ username, deviceKey })`
pub async fn admin_get_device(cognito: &Cognito, params: &Params) -> Result<Device> {
    let device_key = params.string("deviceKey")?;
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_get_device()
        .user_pool_id(pool)
        .username(username)
        .device_key(device_key)
        .send()
        .await?;
    out.device()
        .map(Device::from)
        .ok_or_else(|| Error::bad_response("Cognito answered AdminGetDevice without the device"))
}

/// `adminForgetDevice({ username, deviceKey })`
pub async fn admin_forget_device(cognito: &Cognito, params: &Params) -> Result<Done> {
    let device_key = params.string("deviceKey")?;
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_forget_device()
        .user_pool_id(pool)
        .username(username)
        .device_key(device_key)
        .send()
        .await?;
    Ok(Done)
}

/// `adminUpdateDeviceStatus({ username, deviceKey, remembered })`
pub async fn admin_update_device_status(cognito: &Cognito, params: &Params) -> Result<Done> {
    let device_key = params.string("deviceKey")?;
    let status = remembered_status(params)?;
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_update_device_status()
        .user_pool_id(pool)
        .username(username)
        .device_key(device_key)
        .device_remembered_status(status)
        .send()
        .await?;
    Ok(Done)
}
