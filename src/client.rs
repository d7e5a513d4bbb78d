//! The Cognito client: built once per (region, endpoint, timeout) and shared by every wrapper in
//! the process, so all of them reuse one pool of kept-alive connections.
//!
//! The user-facing operations need no AWS credentials (they carry tokens or a password proof), so
//! none are looked up; the region comes from the pool id, so no instance metadata is ever asked.
//! The endpoint comes from poolData, else from the standard AWS env vars or profile.

use crate::config::PoolConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;

type Key = (String, Option<String>, Duration);

static CLIENTS: LazyLock<Mutex<HashMap<Key, Arc<OnceCell<Client>>>>> =
    LazyLock::new(Default::default);

/// Connecting should never take long, whatever the call's own budget.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The shared client for this pool's region and endpoint.
pub async fn for_pool(config: &PoolConfig) -> Client {
    let key = (
        config.region.clone(),
        config.endpoint.clone(),
        config.timeout,
    );
    let cell = {
        let mut clients = CLIENTS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients.entry(key).or_default().clone()
    };
    cell.get_or_init(|| build(config)).await.clone()
}

async fn build(config: &PoolConfig) -> Client {
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(config.timeout)
        .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .no_credentials()
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard());
    if let Some(endpoint) = &config.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    Client::new(&loader.load().await)
}

/// What every method works with: the checked pool data and its shared client.
pub struct Cognito {
    pub config: Arc<PoolConfig>,
    pub client: Client,
}

impl Cognito {
    pub async fn connect(config: Arc<PoolConfig>) -> Self {
        let client = for_pool(&config).await;
        Self { config, client }
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
