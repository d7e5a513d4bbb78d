//! The pool's groups, for a backend with IAM credentials: list them, read, create, change and
//! delete one, and list its members (beside `adminAddUserToGroup` and the other user calls).
#![forbid(unsafe_code)]

use super::page_size;
use crate::client::Cognito;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::results::{AdminUser, Done, UserPage};
use aws_sdk_cognitoidentityprovider::primitives::DateTime;
use aws_sdk_cognitoidentityprovider::types::GroupType;
use serde::Serialize;

/// A group as the methods resolve it (dates in seconds).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    group_name: Option<String>,
    description: Option<String>,
    precedence: Option<i32>,
    role_arn: Option<String>,
    created_at: Option<i64>,
    last_modified_at: Option<i64>,
}

impl From<&GroupType> for Group {
    fn from(g: &GroupType) -> Self {
        Self {
            group_name: g.group_name().map(str::to_owned),
            description: g.description().map(str::to_owned),
            precedence: g.precedence(),
            role_arn: g.role_arn().map(str::to_owned),
            created_at: g.creation_date().map(DateTime::secs),
            last_modified_at: g.last_modified_date().map(DateTime::secs),
        }
    }
}

/// `listGroups`' page: `{ groups, paginationToken }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPage {
    groups: Vec<Group>,
    pagination_token: Option<String>,
}

/// A group's settings as `createGroup` and `updateGroup` take them.
struct Settings<'p> {
    description: Option<&'p str>,
    precedence: Option<i32>,
    role_arn: Option<&'p str>,
}

impl<'p> Settings<'p> {
    fn read(params: &'p Params) -> Result<Self> {
        let precedence = params
            .optional_count("precedence")?
            .map(|n| i32::try_from(n).map_err(|_| Error::invalid_param("precedence is too large")))
            .transpose()?;
        Ok(Self {
            description: params.optional_string("description")?,
            precedence,
            role_arn: params.optional_string("roleArn")?,
        })
    }
}

fn answered(group: Option<&GroupType>, operation: &str) -> Result<Group> {
    group.map(Group::from).ok_or_else(|| {
        Error::bad_response(format!("Cognito answered {operation} without the group"))
    })
}

/// `listGroups({ limit?, paginationToken? })`
pub async fn list_groups(cognito: &Cognito, params: &Params) -> Result<GroupPage> {
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?;
    let out = cognito
        .admin()
        .await
        .list_groups()
        .user_pool_id(&cognito.config.user_pool_id)
        .set_limit(limit)
        .set_next_token(token.map(str::to_owned))
        .send()
        .await?;
    Ok(GroupPage {
        groups: out.groups().iter().map(Group::from).collect(),
        pagination_token: out.next_token().map(str::to_owned),
    })
}

/// `listUsersInGroup({ groupName, limit?, paginationToken? })` resolves `listUsers`' page.
pub async fn list_users_in_group(cognito: &Cognito, params: &Params) -> Result<UserPage> {
    let group = params.string("groupName")?;
    let token = params.optional_string("paginationToken")?;
    let limit = page_size(params)?;
    let out = cognito
        .admin()
        .await
        .list_users_in_group()
        .user_pool_id(&cognito.config.user_pool_id)
        .group_name(group)
        .set_limit(limit)
        .set_next_token(token.map(str::to_owned))
        .send()
        .await?;
    Ok(UserPage {
        users: out.users().iter().map(AdminUser::from).collect(),
        pagination_token: out.next_token().map(str::to_owned),
    })
}

/// `getGroup({ groupName })`
pub async fn get_group(cognito: &Cognito, params: &Params) -> Result<Group> {
    let group = params.string("groupName")?;
    let out = cognito
        .admin()
        .await
        .get_group()
        .user_pool_id(&cognito.config.user_pool_id)
        .group_name(group)
        .send()
        .await?;
    answered(out.group(), "GetGroup")
}

/// The writes of a group (`createGroup`, `updateGroup`), each its own operation with the same
/// fields, answered with the group.
macro_rules! group_writes {
    ($($(#[$doc:meta])* $name:ident => $operation:literal,)+) => {$(
        $(#[$doc])*
        pub async fn $name(cognito: &Cognito, params: &Params) -> Result<Group> {
            let group = params.string("groupName")?;
            let settings = Settings::read(params)?;
            let out = cognito
                .admin()
                .await
                .$name()
                .user_pool_id(&cognito.config.user_pool_id)
                .group_name(group)
                .set_description(settings.description.map(str::to_owned))
                .set_precedence(settings.precedence)
                .set_role_arn(settings.role_arn.map(str::to_owned))
                .send()
                .await?;
            answered(out.group(), $operation)
        }
    )+};
}

group_writes! {
    /// `createGroup({ groupName, description?, precedence?, roleArn? })`
    create_group => "CreateGroup",
    /// `updateGroup({ groupName, description?, precedence?, roleArn? })`: what is left out stays.
    update_group => "UpdateGroup",
}

/// `deleteGroup({ groupName })`
pub async fn delete_group(cognito: &Cognito, params: &Params) -> Result<Done> {
    let group = params.string("groupName")?;
    cognito
        .admin()
        .await
        .delete_group()
        .user_pool_id(&cognito.config.user_pool_id)
        .group_name(group)
        .send()
        .await?;
    Ok(Done)
}
