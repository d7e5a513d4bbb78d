//! The N-API binding: one class holding the checked pool data, one door for every method.
//! Results travel as JSON so the facade builds them (and its Errors) in the caller's realm.
#![allow(unsafe_code)]

use crate::config::PoolConfig;
use crate::error::Result;
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use std::sync::Arc;

/// The runtime every call runs on: one async worker, which does all the network work (about
/// 0.25 ms of CPU per Cognito request, so some 4,000 requests a second, far above Cognito's own
/// request quotas); the SRP math runs on its own threads (module `workers`). A second async
/// worker only added cross-thread wake-ups to each call. Like the SRP threads, it stands back
/// for the Node thread (module `sched`).
#[napi_derive::module_init]
fn init() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("cognito-rt")
        .on_thread_start(|| crate::sched::background(0))
        .enable_all()
        .build();
    // On failure napi-rs builds its default runtime, which serves as well.
    if let Ok(runtime) = runtime {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}

#[napi]
pub struct NativePool {
    /// A bad poolData is kept as its error and reported by every call, never thrown.
    config: Result<Arc<PoolConfig>>,
}

#[napi]
impl NativePool {
    /// `poolData` as JSON.
    #[napi(constructor)]
    pub fn new(pool_data: String) -> Self {
        Self {
            config: PoolConfig::from_json(&pool_data).map(Arc::new),
        }
    }

    /// Run `method` with `params` (JSON); resolves with `{"ok":…}` or `{"error":…}` as JSON.
    /// What the call needs is taken here, on the JS thread, and moved into the future: nothing of
    /// this object is read on the runtime's threads, where a worker's env (and this object with
    /// it) may already be gone.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: String,
        params: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let config = self.config.clone();
        env.spawn_future(async move { Ok(crate::call(config, method, params).await) })
    }
}

/// Every method's JS name, in one place for the facade.
#[napi]
pub fn method_names() -> Vec<String> {
    crate::METHODS.iter().map(|m| m.to_string()).collect()
}

/// Every top-level param name a method reads: the facade reads exactly these from the caller's
/// params.
#[napi]
pub fn param_names() -> Vec<String> {
    crate::params::NAMES.iter().map(|m| m.to_string()).collect()
}
