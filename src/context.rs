//! The per-call context Cognito passes on: `ClientMetadata` for the pool's Lambda triggers, and
//! `UserContextData` (the end user's IP address, the browser's encoded data) for threat
//! protection, so that Cognito sees the user, not the backend that calls for them.
#![forbid(unsafe_code)]

use crate::config::PoolConfig;
use crate::error::{Error, Result};
use crate::params::Params;
use aws_sdk_cognitoidentityprovider::types::{ContextDataType, HttpHeader, UserContextDataType};
use std::collections::HashMap;

/// Cognito takes at most this many bytes of `ClientMetadata` keys and values together; a larger
/// map is refused before any request.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;

/// Its Debug print names the metadata keys only: their values may be anything a trigger needs.
#[derive(Default, Clone)]
pub struct Context {
    /// poolData's `clientMetadata` with the call's own over it.
    pub client_metadata: Option<HashMap<String, String>>,
    pub user_context: Option<UserContextDataType>,
    /// The admin sign-in's `ContextData` (the admin operations take it instead of
    /// `UserContextData`): the end user's request as the backend received it.
    pub context_data: Option<ContextDataType>,
}

impl Context {
    /// The call's `clientMetadata` and `userContext` params, checked like every other param.
    pub fn read(params: &Params, config: &PoolConfig) -> Result<Self> {
        let own = params.optional_string_map("clientMetadata")?;
        let client_metadata = match (&config.client_metadata, own) {
            (None, None) => None,
            (Some(pool), None) => Some(pool.clone()),
            (pool, Some(own)) => {
                let mut merged = pool.clone().unwrap_or_default();
                merged.extend(own);
                Some(merged)
            }
        };
        if let Some(map) = &client_metadata {
            let bytes: usize = map.iter().map(|(k, v)| k.len() + v.len()).sum();
            if bytes > MAX_METADATA_BYTES {
                return Err(Error::invalid_param(format!(
                    "clientMetadata must be at most {MAX_METADATA_BYTES} bytes of keys and values"
                )));
            }
        }
        let user_context = match params.optional_object("userContext")? {
            None => None,
            Some(context) => {
                let ip_address = context.optional_string("ipAddress")?;
                let encoded_data = context.optional_string("encodedData")?;
                if ip_address.is_none() && encoded_data.is_none() {
                    return Err(Error::invalid_param(
                        "userContext must have ipAddress or encodedData",
                    ));
                }
                Some(
                    UserContextDataType::builder()
                        .set_ip_address(ip_address.map(str::to_owned))
                        .set_encoded_data(encoded_data.map(str::to_owned))
                        .build(),
                )
            }
        };
        Ok(Self {
            client_metadata,
            user_context,
            context_data: read_context_data(params)?,
        })
    }
}

/// `contextData: { ipAddress, serverName, serverPath, httpHeaders: { name: value }, encodedData? }`.
fn read_context_data(params: &Params) -> Result<Option<ContextDataType>> {
    let Some(context) = params.optional_object("contextData")? else {
        return Ok(None);
    };
    let mut headers: Vec<(String, String)> = context
        .optional_string_map("httpHeaders")?
        .unwrap_or_default()
        .into_iter()
        .collect();
    headers.sort();
    ContextDataType::builder()
        .ip_address(context.string("ipAddress")?)
        .server_name(context.string("serverName")?)
        .server_path(context.string("serverPath")?)
        .set_http_headers(Some(
            headers
                .into_iter()
                .map(|(name, value)| {
                    HttpHeader::builder()
                        .header_name(name)
                        .header_value(value)
                        .build()
                })
                .collect(),
        ))
        .set_encoded_data(context.optional_string("encodedData")?.map(str::to_owned))
        .build()
        .map(Some)
        .map_err(|_| {
            Error::invalid_param(
                "contextData must have ipAddress, serverName, serverPath and httpHeaders",
            )
        })
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Option<Vec<&String>> = self.client_metadata.as_ref().map(|m| m.keys().collect());
        f.debug_struct("Context")
            .field("client_metadata_keys", &keys)
            .field("user_context", &self.user_context)
            .field(
                "context_data",
                &self.context_data.as_ref().map(|c| c.ip_address()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    fn config(pool_metadata: &str) -> PoolConfig {
        PoolConfig::from_json(&format!(
            r#"{{"UserPoolId":"us-east-1_Ctx1","ClientId":"c","clientMetadata":{pool_metadata}}}"#
        ))
        .unwrap()
    }

    fn read(params: &str, pool_metadata: &str) -> Result<Context> {
        Context::read(&Params::from_json(params).unwrap(), &config(pool_metadata))
    }

    #[test]
    fn the_calls_metadata_goes_over_the_pools() {
        let context = read(
            r#"{"clientMetadata":{"source":"call","locale":"fr"}}"#,
            r#"{"source":"pool","app":"web"}"#,
        )
        .unwrap();
        let metadata = context.client_metadata.unwrap();
        assert_eq!(metadata["source"], "call");
        assert_eq!(metadata["app"], "web");
        assert_eq!(metadata["locale"], "fr");
        assert_eq!(read("{}", "null").unwrap().client_metadata, None);
        assert_eq!(
            read("{}", r#"{"app":"web"}"#)
                .unwrap()
                .client_metadata
                .unwrap()["app"],
            "web"
        );
    }

    #[test]
    fn debug_print_shows_no_value() {
        let context = read(
            r#"{"clientMetadata":{"otp":"hunter2-value"},"userContext":{"ipAddress":"203.0.113.7","encodedData":"fp-value"}}"#,
            "null",
        )
        .unwrap();
        let printed = format!("{context:?}");
        assert!(printed.contains("otp"), "{printed}");
        for secret in ["hunter2-value", "203.0.113.7", "fp-value"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn user_context_becomes_user_context_data() {
        let context = read(r#"{"userContext":{"ipAddress":"203.0.113.7"}}"#, "null").unwrap();
        let data = context.user_context.unwrap();
        assert_eq!(data.ip_address(), Some("203.0.113.7"));
        assert_eq!(data.encoded_data(), None);
    }

    #[test]
    fn malformed_context_is_refused_naming_the_field() {
        for (params, says) in [
            (r#"{"clientMetadata":"x"}"#, "clientMetadata must be"),
            (
                r#"{"clientMetadata":{"n":1}}"#,
                "clientMetadata.n must be a string",
            ),
            (r#"{"userContext":{}}"#, "userContext must have"),
            (
                r#"{"userContext":{"ipAddress":5}}"#,
                "userContext.ipAddress must be",
            ),
            (r#"{"userContext":[]}"#, "userContext must be an object"),
        ] {
            let err = read(params, "null").unwrap_err();
            assert_eq!(err.code, code::INVALID_PARAMETER);
            assert!(err.message.contains(says), "{params}: {}", err.message);
        }
        let big = format!(
            r#"{{"clientMetadata":{{"k":"{}"}}}}"#,
            "x".repeat(MAX_METADATA_BYTES)
        );
        assert!(read(&big, "null").unwrap_err().message.contains("at most"));
    }
}
