//! Admin calls, for backends holding IAM credentials (beyond the original): create, get, list,
//! delete, disable/enable users, reset or set passwords, confirm sign-ups, groups, and signing a
//! user out everywhere. Signed with the default AWS credentials chain, looked up at the first one.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::primitives::DateTime;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, MessageActionType, UserStatusType, UserType,
};
use serde_json::{json, Value};

fn attributes(list: &[AttributeType]) -> Value {
    list.iter()
        .map(|a| json!({ "Name": a.name(), "Value": a.value() }))
        .collect()
}

fn user_json(
    username: Option<&str>,
    attrs: &[AttributeType],
    enabled: bool,
    status: Option<&UserStatusType>,
    created: Option<&DateTime>,
) -> Value {
    json!({
        "username": username,
        "attributes": attributes(attrs),
        "enabled": enabled,
        "userStatus": status.map(UserStatusType::as_str),
        "createdAt": created.map(DateTime::secs),
    })
}

fn user_type_json(user: &UserType) -> Value {
    user_json(
        user.username(),
        user.attributes(),
        user.enabled(),
        user.user_status(),
        user.user_create_date(),
    )
}

/// `adminCreateUser({ username, temporaryPassword?, attributes?, suppressMessage? })`
pub async fn admin_create_user(cognito: &Cognito, params: &Params) -> Result<Value> {
    let username = params.string("username")?;
    let temporary = params.optional_string("temporaryPassword")?;
    let attrs = params.attribute_list("attributes")?.unwrap_or_default();
    let suppress = params.optional_bool("suppressMessage")?.unwrap_or(false);
    let out = cognito
        .admin()
        .await
        .admin_create_user()
        .user_pool_id(&cognito.config.user_pool_id)
        .username(username)
        .set_temporary_password(temporary.map(str::to_owned))
        .set_user_attributes(Some(attrs.iter().map(|a| a.to_cognito()).collect()))
        .set_message_action(suppress.then_some(MessageActionType::Suppress))
        .send()
        .await?;
    out.user()
        .map(user_type_json)
        .ok_or_else(|| Error::bad_response("Cognito created no user"))
}

/// `adminGetUser({ username })`
pub async fn admin_get_user(cognito: &Cognito, params: &Params) -> Result<Value> {
    let username = params.string("username")?;
    let out = cognito
        .admin()
        .await
        .admin_get_user()
        .user_pool_id(&cognito.config.user_pool_id)
        .username(username)
        .send()
        .await?;
    Ok(user_json(
        Some(out.username()),
        out.user_attributes(),
        out.enabled(),
        out.user_status(),
        out.user_create_date(),
    ))
}

/// `listUsers({ filter?, limit?, paginationToken? })` resolves `{ users, paginationToken }`.
pub async fn list_users(cognito: &Cognito, params: &Params) -> Result<Value> {
    let filter = params.optional_string("filter")?;
    let token = params.optional_string("paginationToken")?;
    let limit = params
        .optional_seconds("limit")?
        .map(|n| n.clamp(1, 60) as i32);
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
    let users: Vec<Value> = out.users().iter().map(user_type_json).collect();
    Ok(json!({ "users": users, "paginationToken": out.pagination_token() }))
}

/// `adminListGroupsForUser({ username })` resolves the group names.
pub async fn admin_list_groups_for_user(cognito: &Cognito, params: &Params) -> Result<Value> {
    let username = params.string("username")?;
    let out = cognito
        .admin()
        .await
        .admin_list_groups_for_user()
        .user_pool_id(&cognito.config.user_pool_id)
        .username(username)
        .send()
        .await?;
    Ok(out.groups().iter().map(|g| json!(g.group_name())).collect())
}

/// The admin calls that take `{ username }` (and a group or a password) and answer nothing.
pub async fn admin_user_action(
    cognito: &Cognito,
    method: &str,
    params: &Params,
) -> Result<&'static str> {
    let username = params.string("username")?;
    let pool = cognito.config.user_pool_id.as_str();
    let client = || cognito.admin();
    match method {
        "adminDeleteUser" => {
            client()
                .await
                .admin_delete_user()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminDisableUser" => {
            client()
                .await
                .admin_disable_user()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminEnableUser" => {
            client()
                .await
                .admin_enable_user()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminResetUserPassword" => {
            client()
                .await
                .admin_reset_user_password()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminConfirmSignUp" => {
            client()
                .await
                .admin_confirm_sign_up()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminUserGlobalSignOut" => {
            client()
                .await
                .admin_user_global_sign_out()
                .user_pool_id(pool)
                .username(username)
                .send()
                .await?;
        }
        "adminSetUserPassword" => {
            let password = params.string("password")?;
            let permanent = params.optional_bool("permanent")?.unwrap_or(false);
            client()
                .await
                .admin_set_user_password()
                .user_pool_id(pool)
                .username(username)
                .password(password)
                .permanent(permanent)
                .send()
                .await?;
        }
        "adminAddUserToGroup" | "adminRemoveUserFromGroup" => {
            let group = params.string("groupName")?;
            if method == "adminAddUserToGroup" {
                client()
                    .await
                    .admin_add_user_to_group()
                    .user_pool_id(pool)
                    .username(username)
                    .group_name(group)
                    .send()
                    .await?;
            } else {
                client()
                    .await
                    .admin_remove_user_from_group()
                    .user_pool_id(pool)
                    .username(username)
                    .group_name(group)
                    .send()
                    .await?;
            }
        }
        _ => {
            return Err(Error::invalid_param(format!(
                "there is no method named {method}"
            )))
        }
    }
    Ok(crate::SUCCESS)
}
