//! The Cognito client: built once per (region, endpoint, signing) and shared by every wrapper in
//! the process, so all of them reuse one pool of kept-alive connections. A call's own deadline
//! (poolData's `timeout`) bounds the call from outside the client, so pools with a timeout each
//! (a Lambda's remaining time, a per-request deadline) still share one client.
//!
//! The user-facing operations need no AWS credentials (they carry tokens or a password proof), so
//! their client looks none up, and the region comes from the pool id: no instance metadata is ever
//! asked for them. Only the admin calls' client uses the default credentials chain. The endpoint
//! comes from poolData, else from the standard AWS env vars or profile.
#![forbid(unsafe_code)]

use crate::config::PoolConfig;
use crate::context::Context;
use crate::error::code;
use crate::tokens::Tokens;
use crate::transport::{OutcomeUnknown, MAX_ANSWER_BYTES};
use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextMut, FinalizerInterceptorContextRef, InterceptorContext,
};
use aws_sdk_cognitoidentityprovider::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_cognitoidentityprovider::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cognitoidentityprovider::error::BoxError;
use aws_sdk_cognitoidentityprovider::types::{ContextDataType, UserContextDataType};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_runtime_api::client::orchestrator::{Metadata, OrchestratorError};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use http_body_util::{LengthLimitError, Limited};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

/// Whether a client signs its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signing {
    /// The user-pool API a user's own calls use: no AWS credentials.
    Unsigned,
    /// The admin calls: signed with the process's AWS credentials.
    WithCredentials,
}

/// (region, endpoint, signing)
type Key = (String, Option<String>, Signing);

static CLIENTS: LazyLock<Mutex<HashMap<Key, Arc<OnceCell<Client>>>>> =
    LazyLock::new(Default::default);

/// Connecting should never take long, whatever the call's own budget (which bounds it too).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The shared client for this pool's region and endpoint. Signing clients (admin calls) look up
/// AWS credentials through the default chain (env, profile, web identity, container, instance),
/// and only when such a call is first made; a client is built once, at its first call.
async fn for_pool(config: &PoolConfig, signing: Signing) -> Client {
    let key = (config.region.clone(), config.endpoint.clone(), signing);
    let cell = {
        let mut clients = CLIENTS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients.entry(key).or_default().clone()
    };
    cell.get_or_init(|| build(config, signing)).await.clone()
}

async fn build(config: &PoolConfig, signing: Signing) -> Client {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .timeout_config(timeouts)
        // Built to catch stalled downloads; Cognito's answers are a few KiB, and the operation
        // timeout already bounds a stall. Off, it saves per-response bookkeeping.
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .retry_config(RetryConfig::standard());
    if signing == Signing::Unsigned {
        loader = loader.no_credentials();
    }
    if let Some(endpoint) = &config.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let sdk_config = loader.load().await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&sdk_config)
        .retry_classifier(NeverRetryLimitExceeded)
        .interceptor(SafeAnswers)
        .interceptor(CallGate)
        .build();
    Client::from_conf(config)
}

/// Operations that Cognito may already have carried out when their answer is lost, and whose
/// repeat is then not harmless: it fails (a used code or session, a signed-out token, an existing
/// user) or acts twice (a second secret, a second user). Reads, settings that a repeat leaves as
/// they are (GetUser, UpdateUserAttributes, SetUserMFAPreference, InitiateAuth...) and the sending
/// of a code (the newest one is the one that works) may be retried.
const UNREPEATABLE: &[&str] = &[
    "SignUp",
    "ConfirmSignUp",
    "ConfirmForgotPassword",
    "ChangePassword",
    "GlobalSignOut",
    "RespondToAuthChallenge",
    "VerifyUserAttribute",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "DeleteUser",
    "ForgetDevice",
    "RevokeToken",
    "GetTokensFromRefreshToken",
    "AdminCreateUser",
    "AdminDeleteUser",
    "AdminResetUserPassword",
    "AdminConfirmSignUp",
    "AdminRespondToAuthChallenge",
    "AdminDeleteUserAttributes",
    "AdminForgetDevice",
    "AdminLinkProviderForUser",
    "AdminDisableProviderForUser",
    "CreateGroup",
    "DeleteGroup",
    "AdminDeleteSoftwareToken",
    "AddUserPoolClientSecret",
    "DeleteUserPoolClientSecret",
];

/// Whether a transport failure happened before anything was sent (no connection, no DNS).
fn never_sent(err: &ConnectorError) -> bool {
    crate::error::find_cause::<hyper_util::client::legacy::Error>(err)
        .is_some_and(|h| h.is_connect())
}

/// Every answer is read up to [`MAX_ANSWER_BYTES`], and an unrepeatable operation whose request
/// may have reached Cognito is not sent again: its failure becomes an [`OutcomeUnknown`]
/// transport error, which no retry classifier retries. Throttling answers and connections that
/// never opened are still retried for every operation.
#[derive(Debug)]
struct SafeAnswers;

impl Intercept for SafeAnswers {
    fn name(&self) -> &'static str {
        "SafeAnswers"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        let body = response.take_body();
        *response.body_mut() = SdkBody::from_body_1_x(Limited::new(body, MAX_ANSWER_BYTES));
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let unrepeatable = cfg
            .load::<Metadata>()
            .is_some_and(|m| UNREPEATABLE.contains(&m.name()));
        let status = context.response().map(|r| r.status().as_u16());
        let Some(outcome) = context.output_or_error_mut().filter(|_| unrepeatable) else {
            return Ok(());
        };
        let may_have_acted = match &*outcome {
            Ok(_) => false,
            Err(e) => match e.as_connector_error() {
                Some(transport) => !never_sent(transport),
                // Cognito answered: only a 5xx leaves the outcome open (a 4xx, throttling
                // included, means it did not act).
                None if e.is_operation_error() => status.is_some_and(|s| s >= 500),
                None => true,
            },
        };
        if may_have_acted {
            let placeholder = Err(OrchestratorError::connector(ConnectorError::other(
                "replaced".into(),
                None,
            )));
            if let Err(e) = std::mem::replace(outcome, placeholder) {
                let source: BoxError = Box::new(OutcomeUnknown(Box::new(e)));
                *outcome = Err(OrchestratorError::connector(ConnectorError::other(
                    source, None,
                )));
            }
        }
        Ok(())
    }
}

/// Every attempt asks its call (module `call_state`) whether it may go out, just before it is
/// written: an aborted call's request is refused there, and a sent one is recorded, with its
/// outcome once the attempt ends.
#[derive(Debug)]
struct CallGate;

/// When the attempt under way was handed to the connection.
#[derive(Debug, Clone, Copy)]
struct SentAt(std::time::Instant);

impl Storable for SentAt {
    type Storer = StoreReplace<Self>;
}

impl Intercept for CallGate {
    fn name(&self) -> &'static str {
        "CallGate"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let body = context.request().body().bytes().unwrap_or_default();
        crate::call_state::before_send(body).map_err(BoxError::from)?;
        cfg.interceptor_state()
            .store_put(SentAt(std::time::Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (Some(&SentAt(sent)), Some(metadata)) = (cfg.load::<SentAt>(), cfg.load::<Metadata>())
        else {
            return Ok(()); // refused before it was sent: not an attempt on the wire
        };
        let operation = metadata.name().to_owned();
        cfg.interceptor_state().unset::<SentAt>();
        let response = context.response();
        crate::call_state::record_attempt(
            &operation,
            sent,
            response.map(|r| r.status().as_u16()),
            response.and_then(|r| r.headers().get("x-amzn-requestid")),
        );
        Ok(())
    }
}

/// Cognito's `LimitExceededException` means "too many attempts for this user" (codes, password
/// resets), which a retry only makes worse; the SDK's standard classifier would retry it as
/// throttling. `TooManyRequestsException` and 5xx are still retried, with backoff and jitter.
#[derive(Debug)]
struct NeverRetryLimitExceeded;

fn is_limit_exceeded(error_type: &str) -> bool {
    // `__type` may be qualified (`ns#Name`), the header may carry a suffix (`Name:uri`).
    let name = error_type.rsplit('#').next().unwrap_or(error_type);
    name.split(':').next() == Some(code::LIMIT_EXCEEDED)
}

impl ClassifyRetry for NeverRetryLimitExceeded {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        // An answer over the size bound would be just as large again.
        if let Some(Err(e)) = ctx.output_or_error() {
            if crate::error::caused_by::<LengthLimitError>(e) {
                return RetryAction::RetryForbidden;
            }
        }
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

/// The fields every request about a user who is not signed in carries: the app client, the user,
/// its SECRET_HASH, and the call's context (`ClientMetadata`, `UserContextData`). One macro, since
/// each operation's request builder is a type of its own.
macro_rules! for_user {
    ($cognito:expr, $request:ident, $username:expr) => {
        $cognito
            .client
            .$request()
            .client_id(&$cognito.config.client_id)
            .username($username)
            .set_secret_hash($cognito.config.secret_hash($username))
            .set_client_metadata($cognito.client_metadata())
            .set_user_context_data($cognito.user_context())
    };
}
pub(crate) use for_user;

/// What every method works with: the checked pool data and its shared client.
pub struct Cognito {
    pub config: Arc<PoolConfig>,
    pub client: Client,
    /// The call's `clientMetadata` and `userContext`, for the operations that take them.
    context: Context,
    /// The tokens a refresh made during the call, for poolData's `onTokens` hook; locked while a
    /// refresh is in flight, so that the call's end can wait for its answer.
    refreshed: Arc<tokio::sync::Mutex<Option<Refreshed>>>,
}

/// Tokens this package obtained by refreshing on the caller's behalf, and whose they are.
#[derive(Debug, Serialize)]
pub struct Refreshed {
    pub username: String,
    pub tokens: Tokens,
}

impl Cognito {
    /// The pool's shared client, built at the process's first call for this region and
    /// endpoint (building it opens no connection).
    pub async fn for_config(config: Arc<PoolConfig>, context: Context) -> Self {
        let client = for_pool(&config, Signing::Unsigned).await;
        Self {
            config,
            client,
            context,
            refreshed: Arc::default(),
        }
    }

    /// `ClientMetadata` for an operation that takes it.
    pub fn client_metadata(&self) -> Option<HashMap<String, String>> {
        self.context.client_metadata.clone()
    }

    /// `UserContextData` for an operation that takes it.
    pub fn user_context(&self) -> Option<UserContextDataType> {
        self.context.user_context.clone()
    }

    /// `ContextData` for an admin sign-in operation.
    pub fn context_data(&self) -> Option<ContextDataType> {
        self.context.context_data.clone()
    }

    /// The slot a refresh fills with its tokens, locked by the refresh for as long as it is in
    /// flight.
    pub async fn refresh_slot(&self) -> tokio::sync::OwnedMutexGuard<Option<Refreshed>> {
        self.refreshed.clone().lock_owned().await
    }

    /// The tokens of the call's refresh, if it made one; a refresh still in flight is waited for
    /// up to `wait`, since a rotated refresh token that is not handed on signs its user out.
    pub async fn take_refreshed(&self, wait: Duration) -> Option<Refreshed> {
        tokio::time::timeout(wait, self.refreshed.lock())
            .await
            .ok()?
            .take()
    }

    /// The client for admin calls, signed with the process's AWS credentials.
    pub async fn admin(&self) -> Client {
        for_pool(&self.config, Signing::WithCredentials).await
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

    fn classify(header: Option<&str>, body: &str) -> RetryAction {
        let mut response =
            HttpResponse::new(400.try_into().unwrap(), SdkBody::from(body.to_owned()));
        if let Some(value) = header {
            response
                .headers_mut()
                .insert("x-amzn-errortype", value.to_owned());
        }
        let mut ctx = InterceptorContext::new(Input::erase(()));
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
