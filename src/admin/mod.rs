//! Admin calls, for backends holding IAM credentials (beyond the original): users here (create,
//! get, list, delete, disable/enable, passwords, sign-up confirmation, attributes, MFA, group
//! membership, signing out everywhere), the pool's groups in [`groups`], a user's devices in
//! [`devices`], threat protection's record in [`events`], federation links in [`links`], the app client's secrets in [`secrets`], user import jobs in [`imports`]. Signed with the default AWS credentials chain, looked up at the first one.
#![forbid(unsafe_code)]

pub mod devices;
pub mod events;
pub mod groups;
pub mod imports;
pub mod links;
pub mod secrets;

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::mfa::MfaSettings;
use crate::params::Params;
use crate::results::{AdminUser, AuthFactors, Done, UserPage};
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use aws_sdk_cognitoidentityprovider::Client;

/// A list call's `limit` param: 1 to 60 items a page (Cognito's bound).
fn page_size(params: &Params) -> Result<Option<i32>> {
    Ok(params
        .optional_count("limit")?
        .map(|n| n.clamp(1, 60) as i32))
}

/// What every admin call about one user starts with: the signed client, the pool and the
/// `username` param.
async fn for_user<'a>(
    cognito: &'a Cognito,
    params: &'a Params,
) -> Result<(Client, &'a str, &'a str)> {
    let username = params.string("username")?;
    let client = cognito.admin().await;
    Ok((client, &cognito.config.user_pool_id, username))
}

/// `adminCreateUser({ username, temporaryPassword?, attributes?, suppressMessage? })`
pub async fn admin_create_user(cognito: &Cognito, params: &Params) -> Result<AdminUser> {
    let temporary = params.optional_string("temporaryPassword")?;
    let attrs = params.attribute_list("attributes")?.unwrap_or_default();
    let suppress = params.optional_bool("suppressMessage")?.unwrap_or(false);
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_create_user()
        .set_client_metadata(cognito.client_metadata())
        .user_pool_id(pool)
        .username(username)
        .set_temporary_password(temporary.map(str::to_owned))
        .set_user_attributes(Some(attrs.iter().map(|a| a.to_cognito()).collect()))
        .set_message_action(suppress.then_some(MessageActionType::Suppress))
        .send()
        .await?;
    out.user()
        .map(AdminUser::from)
        .ok_or_else(|| Error::bad_response("Cognito created no user"))
}

/// `adminGetUser({ username })`
pub async fn admin_get_user(cognito: &Cognito, params: &Params) -> Result<AdminUser> {
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await?;
    Ok(AdminUser::new(
        Some(out.username()),
        out.user_attributes(),
        out.enabled(),
        out.user_status(),
        out.user_create_date(),
    ))
}

/// `listUsers({ filter?, limit?, paginationToken? })` resolves `{ users, paginationToken }`.
pub async fn list_users(cognito: &Cognito, params: &Params) -> Result<UserPage> {
    let filter = params.optional_string("filter")?;
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?;
    let out = cognito
        .admin()
        .await
        .list_users()
        .user_pool_id(&cognito.config.user_pool_id)
        .set_filter(filter.map(str::to_owned))
        .set_pagination_token(token.map(str::to_owned))
        .set_limit(limit)
        .send()
        .await?;
    Ok(UserPage {
        users: out.users().iter().map(AdminUser::from).collect(),
        pagination_token: out.pagination_token().map(str::to_owned),
    })
}

/// `adminListGroupsForUser({ username })` resolves the group names.
pub async fn admin_list_groups_for_user(cognito: &Cognito, params: &Params) -> Result<Vec<String>> {
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_list_groups_for_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await?;
    Ok(out
        .groups()
        .iter()
        .filter_map(|g| g.group_name().map(str::to_owned))
        .collect())
}

/// The admin calls that take only `{ username }` and answer nothing, each its own function;
/// `with client_metadata` marks the operations that take `ClientMetadata` (for the pool's triggers).
macro_rules! user_actions {
    ($($(#[$doc:meta])* $name:ident $(with $metadata:ident)?,)+) => {$(
        $(#[$doc])*
        pub async fn $name(cognito: &Cognito, params: &Params) -> Result<Done> {
            let (client, pool, username) = for_user(cognito, params).await?;
            let request = client.$name().user_pool_id(pool).username(username);
            $(let request = request.set_client_metadata(cognito.$metadata());)?
            request.send().await?;
            Ok(Done)
        }
    )+};
}

user_actions! {
    /// `adminDeleteUser({ username })`
    admin_delete_user,
    /// `adminDisableUser({ username })`
    admin_disable_user,
    /// `adminEnableUser({ username })`
    admin_enable_user,
    /// `adminResetUserPassword({ username })`
    admin_reset_user_password with client_metadata,
    /// `adminConfirmSignUp({ username })`
    admin_confirm_sign_up with client_metadata,
    /// `adminUserGlobalSignOut({ username })`
    admin_user_global_sign_out,
    /// `adminDeleteSoftwareToken({ username })`: the user's authenticator app is removed.
    admin_delete_software_token,
}

/// `adminGetUserAuthFactors({ username })`: as `getUserAuthFactors`, by username.
pub async fn admin_get_user_auth_factors(
    cognito: &Cognito,
    params: &Params,
) -> Result<AuthFactors> {
    let (client, pool, username) = for_user(cognito, params).await?;
    let out = client
        .admin_get_user_auth_factors()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await?;
    Ok(AuthFactors::new(
        out.preferred_mfa_setting(),
        out.user_mfa_setting_list(),
        out.configured_user_auth_factors(),
    ))
}

/// The admin calls that take `{ username, groupName }`.
macro_rules! group_actions {
    ($($(#[$doc:meta])* $name:ident,)+) => {$(
        $(#[$doc])*
        pub async fn $name(cognito: &Cognito, params: &Params) -> Result<Done> {
            let group = params.string("groupName")?;
            let (client, pool, username) = for_user(cognito, params).await?;
            client.$name().user_pool_id(pool).username(username).group_name(group).send().await?;
            Ok(Done)
        }
    )+};
}

group_actions! {
    /// `adminAddUserToGroup({ username, groupName })`
    admin_add_user_to_group,
    /// `adminRemoveUserFromGroup({ username, groupName })`
    admin_remove_user_from_group,
}

/// `adminSetUserPassword({ username, password, permanent? })`
pub async fn admin_set_user_password(cognito: &Cognito, params: &Params) -> Result<Done> {
    let password = params.string("password")?;
    let permanent = params.optional_bool("permanent")?.unwrap_or(false);
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(username)
        .password(password)
        .permanent(permanent)
        .send()
        .await?;
    Ok(Done)
}

/// `adminUpdateUserAttributes({ username, attributes })`: a changed email or phone number is
/// verified again by code, as Cognito does it (`clientMetadata` reaches the message trigger).
pub async fn admin_update_user_attributes(cognito: &Cognito, params: &Params) -> Result<Done> {
    let attrs = params
        .attribute_list("attributes")?
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            Error::invalid_param("attributes must be a non-empty [{ Name, Value }] list")
        })?;
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_update_user_attributes()
        .set_client_metadata(cognito.client_metadata())
        .user_pool_id(pool)
        .username(username)
        .set_user_attributes(Some(attrs.iter().map(|a| a.to_cognito()).collect()))
        .send()
        .await?;
    Ok(Done)
}

/// `adminDeleteUserAttributes({ username, attributeNames })`
pub async fn admin_delete_user_attributes(cognito: &Cognito, params: &Params) -> Result<Done> {
    let names = params
        .optional_words("attributeNames")?
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::invalid_param("attributeNames must be a non-empty list of names"))?;
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_delete_user_attributes()
        .user_pool_id(pool)
        .username(username)
        .set_user_attribute_names(Some(names))
        .send()
        .await?;
    Ok(Done)
}

/// `adminSetUserMfaPreference({ username, sms?, totp?, email? })`, as `setMfaPreference`.
pub async fn admin_set_user_mfa_preference(cognito: &Cognito, params: &Params) -> Result<Done> {
    let settings = MfaSettings::read(params)?;
    let (client, pool, username) = for_user(cognito, params).await?;
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(pool)
        .username(username)
        .set_sms_mfa_settings(settings.sms)
        .set_software_token_mfa_settings(settings.totp)
        .set_email_mfa_settings(settings.email)
        .send()
        .await?;
    Ok(Done)
}
