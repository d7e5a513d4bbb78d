//! Federation links: a user of the pool's own directory linked to the identity an external
//! provider (Google, Facebook, SAML, OIDC) gives the same person, so that signing in either way
//! is one user; and a provider's identity unlinked.
#![forbid(unsafe_code)]

use crate::client::Cognito;
use crate::error::Result;
use crate::params::Params;
use crate::results::Done;
use aws_sdk_cognitoidentityprovider::types::ProviderUserIdentifierType;

/// `{ providerName, providerAttributeName?, providerAttributeValue }`, as `field`'s object.
fn identity(params: &Params, field: &str) -> Result<ProviderUserIdentifierType> {
    let user = params
        .optional_object(field)?
        .ok_or_else(|| crate::error::Error::invalid_param(format!("{field} is required: {{ providerName, providerAttributeName?, providerAttributeValue }}")))?;
    Ok(ProviderUserIdentifierType::builder()
        .provider_name(user.string("providerName")?)
        .set_provider_attribute_name(
            user.optional_string("providerAttributeName")?
                .map(str::to_owned),
        )
        .provider_attribute_value(user.string("providerAttributeValue")?)
        .build())
}

/// `adminLinkProviderForUser({ destinationUser, sourceUser })`: `destinationUser` is the pool's
/// user (`providerName: 'Cognito'`, its username as the value), `sourceUser` the provider's.
pub async fn admin_link_provider_for_user(cognito: &Cognito, params: &Params) -> Result<Done> {
    let destination = identity(params, "destinationUser")?;
    let source = identity(params, "sourceUser")?;
    cognito
        .admin()
        .await
        .admin_link_provider_for_user()
        .user_pool_id(&cognito.config.user_pool_id)
        .destination_user(destination)
        .source_user(source)
        .send()
        .await?;
    Ok(Done)
}

/// `adminDisableProviderForUser({ user })`: the provider's identity is unlinked and disabled.
pub async fn admin_disable_provider_for_user(cognito: &Cognito, params: &Params) -> Result<Done> {
    let user = identity(params, "user")?;
    cognito
        .admin()
        .await
        .admin_disable_provider_for_user()
        .user_pool_id(&cognito.config.user_pool_id)
        .user(user)
        .send()
        .await?;
    Ok(Done)
}
