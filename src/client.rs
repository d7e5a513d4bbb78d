//! The Cognito client: built once per (region, endpoint, timeout, signed or not) and shared by every
//! wrapper in the process, so all of them reuse one pool of kept-alive connections.
//!
//! The user-facing operations need no AWS credentials (they carry tokens or a password proof), so
//! their client looks none up, and the region comes from the pool id: no instance metadata is ever
//! asked for them. Only the admin calls' client uses the default credentials chain. The endpoint
//! comes from poolData, else from the standard AWS env vars or profile.
#![forbid(unsafe_code)]

use crate::config::PoolConfig;
use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::config::interceptors::InterceptorContext;
use aws_sdk_cognitoidentityprovider::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_cognitoidentityprovider::Client;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

/// (region, endpoint, timeout, signed with credentials)
type Key = (String, Option<String>, Duration, bool);

static CLIENTS: LazyLock<Mutex<HashMap<Key, Arc<OnceCell<Client>>>>> =
    LazyLock::new(Default::default);

/// Connecting should never take long, whatever the call's own budget.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The shared client for this pool's region and endpoint. `signed` clients (admin calls) look up
/// AWS credentials through the default chain (env, profile, web identity, container, instance),
/// and only when such a call is first made.
pub async fn for_pool(config: &PoolConfig, signed: bool) -> Client {
    let key = (
        config.region.clone(),
        config.endpoint.clone(),
        config.timeout,
        signed,
    );
    let cell = {
        let mut clients = CLIENTS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients.entry(key).or_default().clone()
    };
    cell.get_or_init(|| build(config, signed)).await.clone()
}

async fn build(config: &PoolConfig, signed: bool) -> Client {
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(config.timeout)
        .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .timeout_config(timeouts)
        // Built to catch stalled downloads; Cognito's answers are a few KiB, and the operation
        // timeout already bounds a stall. Off, it saves per-response bookkeeping.
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .retry_config(RetryConfig::standard());
    if !signed {
        loader = loader.no_credentials();
    }
    if let Some(endpoint) = &config.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let sdk_config = loader.load().await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&sdk_config)
        .retry_classifier(NeverRetryLimitExceeded)
        .build();
    Client::from_conf(config)
}

/// Cognito's `LimitExceededException` means "too many attempts for this user" (codes, password
/// resets), which a retry only makes worse; the SDK's standard classifier would retry it as
/// throttling. `TooManyRequestsException` and 5xx are still retried, with backoff and jitter.
#[derive(Debug)]
struct NeverRetryLimitExceeded;

fn is_limit_exceeded(error_type: &str) -> bool {
    // `__type` may be qualified (`ns#Name`), the header may carry a suffix (`Name:uri`).
    let name = error_type.rsplit('#').next().unwrap_or(error_type);
    name.split(':').next() == Some("LimitExceededException")
}

impl ClassifyRetry for NeverRetryLimitExceeded {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        // Successful answers (tokens, a few KiB) are never read here.
        let Some(response) = ctx.response().filter(|r| !r.status().is_success()) else {
            return RetryAction::NoActionIndicated;
        };
        let from_header = response
            .headers()
            .get("x-amzn-errortype")
            .is_some_and(is_limit_exceeded);
        let from_body = || {
            let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
            Some(is_limit_exceeded(body.get("__type")?.as_str()?))
        };
        if from_header || from_body() == Some(true) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "NeverRetryLimitExceeded"
    }
}

/// What every method works with: the checked pool data and its shared client.
pub struct Cognito {
    pub config: Arc<PoolConfig>,
    pub client: Client,
}

impl Cognito {
    pub async fn connect(config: Arc<PoolConfig>) -> Self {
        let client = for_pool(&config, false).await;
        Self { config, client }
    }

    /// The client for admin calls, signed with the process's AWS credentials.
    pub async fn admin(&self) -> Client {
        for_pool(&self.config, true).await
    }

    /// Auth or challenge parameters, with `SECRET_HASH` for `hash_user` added when the app client
    /// has a secret.
    pub fn auth_parameters<K: Into<String>>(
        &self,
        hash_user: &str,
        pairs: impl IntoIterator<Item = (K, String)>,
    ) -> HashMap<String, String> {
        let mut map: HashMap<String, String> =
            pairs.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if let Some(hash) = self.config.secret_hash(hash_user) {
            map.insert("SECRET_HASH".to_owned(), hash);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
    use aws_smithy_runtime_api::client::interceptors::context::Input;
    use aws_smithy_types::body::SdkBody;

    fn classify(header: Option<&str>, body: &str) -> RetryAction {
        let mut response =
            HttpResponse::new(400.try_into().unwrap(), SdkBody::from(body.to_owned()));
        if let Some(value) = header {
            response
                .headers_mut()
                .insert("x-amzn-errortype", value.to_owned());
        }
        let mut ctx = InterceptorContext::new(Input::doesnt_matter());
        ctx.set_response(response);
        NeverRetryLimitExceeded.classify_retry(&ctx)
    }

    #[test]
    fn limit_exceeded_is_never_retried() {
        assert_eq!(
            classify(Some("LimitExceededException:http://x"), "{}"),
            RetryAction::RetryForbidden
        );
        assert_eq!(
            classify(
                None,
                r#"{"__type":"com.amazonaws#LimitExceededException","message":"m"}"#
            ),
            RetryAction::RetryForbidden
        );
    }

    #[test]
    fn other_answers_are_left_to_the_standard_classifiers() {
        assert_eq!(
            classify(None, r#"{"__type":"TooManyRequestsException"}"#),
            RetryAction::NoActionIndicated
        );
        assert_eq!(
            classify(Some("NotAuthorizedException"), "not json"),
            RetryAction::NoActionIndicated
        );
    }
}
