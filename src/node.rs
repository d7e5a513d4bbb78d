//! The N-API binding: the pool class (checked pool data, one door for every method) and the
//! token verifier class (direct calls on the JS thread).
//! Results travel as JSON so the facade builds them (and its Errors) in the caller's realm.
#![allow(unsafe_code)]

use crate::call_state::CallState;
use crate::config::PoolConfig;
use crate::error::{Error, Result};
use crate::fetches::{Watch, Watcher};
use crate::verify::Verifier;
use napi::bindgen_prelude::{Either, Function, PromiseRaw};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Env;
use napi::Status;
use napi_derive::napi;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// The runtime every call runs on: one async worker, which does all the network work (one core
/// serves far more requests a second than Cognito's own request quotas allow); the SRP math runs
/// on its own threads (module `workers`). A second async worker would only add cross-thread
/// wake-ups to each call. Like the SRP threads, it stands back for the Node thread (module
/// `sched`).
#[napi_derive::module_init]
fn init() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("cognito-rt")
        // A sign-in polls the SDK's orchestrator several calls deep (a challenge's answer inside
        // the login inside the call, each with its own large state in an unoptimised build): 8 MiB
        // of stack, reserved once for the one worker, leaves room that 2 MiB did not.
        .thread_stack_size(8 * 1024 * 1024)
        .on_thread_start(|| crate::sched::background(0))
        .enable_all()
        .build();
    // On failure napi-rs builds its default runtime, which serves as well.
    if let Ok(runtime) = runtime {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}

/// The module's entry point, named for the linker as an export directive of this object file, as
/// MSVC's `__declspec(dllexport)` would. Only the x86_64-pc-windows-gnu stand-in that .ci/run
/// links with zig needs it: there, once a C dependency marks exports of its own (AWS-LC's
/// entropy source), the MinGW linker exports those alone and leaves rustc's export list aside.
#[cfg(all(windows, target_env = "gnu"))]
#[used]
#[link_section = ".drectve"]
static EXPORT_ENTRY_POINT: [u8; 33] = *b" -export:napi_register_module_v1 ";

thread_local! {
    /// This JS thread's watcher of shared fetches (module `fetches`), once the facade gave it.
    /// Each JS thread (the main one, each worker) is one env with its own tracing channels.
    static WATCHER: RefCell<Option<Watcher>> = const { RefCell::new(None) };
}

/// Where the shared fetches (a JWKS, a machine token) that this JS thread's calls start are
/// reported: `report`, called on this thread with each report as JSON. It does not keep the
/// event loop alive.
#[napi]
pub fn watch_fetches(report: Function<String, ()>) -> napi::Result<()> {
    let report = report
        .build_threadsafe_function()
        .weak::<true>()
        .callee_handled::<false>()
        .build()?;
    WATCHER.with(|w| *w.borrow_mut() = Some(Arc::new(JsWatcher(report))));
    Ok(())
}

/// A JS thread's `report` function, callable from the runtime's threads.
struct JsWatcher(ThreadsafeFunction<String, (), String, Status, false, true>);

impl Watch for JsWatcher {
    fn send(&self, report: String) {
        self.0.call(report, ThreadsafeFunctionCallMode::NonBlocking);
    }

    fn deliver(&self, report: String) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // An error means the thread is gone, and with it whoever would read the report.
            let _ = self.0.call_async(report).await;
        })
    }
}

/// `work`, whose shared fetches are reported to this JS thread's watcher when `watch` (the
/// facade's word that their channels have subscribers): else nothing is reported, and no fetch
/// waits for this thread.
fn watched<F: Future>(watch: bool, work: F) -> impl Future<Output = F::Output> {
    let watcher = watch
        .then(|| WATCHER.with(|w| w.borrow().clone()))
        .flatten();
    crate::fetches::watched(watcher, work)
}

/// The calls in flight that were given an AbortSignal, by the id the facade gave them.
type Abortable = Arc<Mutex<HashMap<u32, Arc<CallState>>>>;

#[napi]
pub struct NativePool {
    /// A bad poolData is kept as its error and reported by every call, never thrown.
    config: Result<Arc<PoolConfig>>,
    abortable: Abortable,
}

/// An abortable call's entry, removed when the call ends however it ends.
struct Registered(Abortable, u32);

impl Drop for Registered {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.1);
    }
}

#[napi]
impl NativePool {
    /// `poolData` as JSON.
    #[napi(constructor)]
    pub fn new(pool_data: String) -> Self {
        Self {
            config: PoolConfig::from_json(&pool_data).map(Arc::new),
            abortable: Arc::default(),
        }
    }

    /// Run `method` with `params` (JSON); resolves with `{"ok":…}` or `{"error":…}` as JSON.
    /// What the call needs is taken here, on the JS thread, and moved into the future: nothing of
    /// this object is read on the runtime's threads, where a worker's env (and this object with
    /// it) may already be gone. A call with an `abort_id` (not 0) is registered here, before this
    /// returns, so that `abort` finds it at any moment after.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: String,
        params: String,
        abort_id: u32,
        traced: bool,
        watch_fetches: bool,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let config = self.config.clone();
        let state = Arc::new(CallState::new(traced));
        let registered = (abort_id != 0).then(|| {
            let mut calls = self.abortable.lock().unwrap_or_else(|p| p.into_inner());
            calls.insert(abort_id, state.clone());
            Registered(self.abortable.clone(), abort_id)
        });
        env.spawn_future(watched(watch_fetches, async move {
            let answer = crate::call(config, method, params, state).await;
            drop(registered);
            Ok(answer)
        }))
    }

    /// A call of one of `methodsAnsweredNow()` on this thread: its answer, as `call` resolves
    /// it, or null when it must go through `call` after all.
    #[napi]
    pub fn call_now(&self, method: String, params: String) -> Option<String> {
        crate::call_now(self.config.as_ref().ok()?, &method, &params)
    }

    /// Aborts the call given `abort_id`: none of its requests is sent from now on. Answers
    /// whether one may already have reached the server (true too for a call that has ended, whose
    /// answer is on its way).
    #[napi]
    pub fn abort(&self, abort_id: u32) -> bool {
        let calls = self.abortable.lock().unwrap_or_else(|p| p.into_inner());
        calls.get(&abort_id).is_none_or(|state| state.abort())
    }
}

/// A token verifier. Verification with known keys runs on the calling thread and answers with
/// the token's own payload text, which the facade hands to `JSON.parse` (V8 builds the claims
/// object faster than property-by-property N-API calls can); every failure answers as a
/// `Refusal`, which the facade turns into its Error.
#[napi]
pub struct NativeVerifier {
    /// Bad options are kept as their error and reported by every verification, never thrown.
    verifier: Result<Arc<Verifier>>,
}

/// A refused token or a failed load, as every verifier call answers it.
#[napi(object)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub status_code: Option<u16>,
    pub retryable: Option<bool>,
    /// `{ actual, expected }` of a failed claim check.
    pub failed_assertion: Option<serde_json::Value>,
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        let Error {
            code,
            message,
            status_code,
            retryable,
            failed_assertion,
            ..
        } = error;
        Self {
            code,
            message,
            status_code,
            retryable,
            failed_assertion: failed_assertion.and_then(|f| serde_json::to_value(f).ok()),
        }
    }
}

#[napi]
impl NativeVerifier {
    /// The verifier's options as JSON (see `Verifier::from_json`).
    #[napi(constructor)]
    pub fn new(options: String) -> Self {
        Self {
            verifier: Verifier::from_json(&options).map(Arc::new),
        }
    }

    /// The payload's JSON text, or why the token is refused. No I/O: unknown keys are a refusal
    /// that `loadFor` may cure. `checks` is the verification's own options as JSON, if any.
    #[napi]
    pub fn verify_sync(&self, token: String, checks: Option<String>) -> Either<String, Refusal> {
        let verifier = self.verifier.as_ref().map_err(Clone::clone);
        let call = checks
            .as_deref()
            .map(crate::verify::call_checks)
            .transpose();
        let verified = verifier.and_then(|v| v.verify_sync(&token, call?.as_ref()));
        match verified {
            Ok(payload) => Either::A(payload),
            Err(error) => Either::B(error.into()),
        }
    }

    /// Whether the error (as `verifySync` answered it) may go away once the keys are loaded.
    #[napi]
    pub fn needs_keys(&self, code: String) -> bool {
        Verifier::needs_keys(&code)
    }

    /// Loads the keys the token's pool needs (one fetch per URL at a time, at most once per
    /// window); resolves with null, or with the error.
    #[napi]
    pub fn load_for<'env>(
        &self,
        env: &'env Env,
        token: String,
        watch_fetches: bool,
    ) -> napi::Result<PromiseRaw<'env, Option<Refusal>>> {
        let verifier = self.verifier.clone();
        env.spawn_future(watched(watch_fetches, async move {
            let loaded = match verifier {
                Ok(verifier) => verifier.load_for(&token).await,
                Err(error) => Err(error),
            };
            Ok(loaded.err().map(Refusal::from))
        }))
    }

    /// For a verifier with a JS fetcher: the JWKS URL to fetch for the token's pool, null when
    /// no fetch is due, or why not (the window's wait, the last failure).
    #[napi]
    pub fn fetch_due(&self, token: String) -> Either<Option<String>, Refusal> {
        let verifier = self.verifier.as_ref().map_err(Clone::clone);
        match verifier.and_then(|v| v.fetch_due(&token)) {
            Ok(url) => Either::A(url),
            Err(error) => Either::B(error.into()),
        }
    }

    /// What the JS fetcher brought from `url`: the JWKS as JSON text, or null when it failed;
    /// `token`, the one it was fetched for (null for a hydrate).
    #[napi]
    pub fn fetched(&self, url: String, jwks: Option<String>, token: Option<String>) {
        if let Ok(verifier) = &self.verifier {
            verifier.fetched(&url, jwks.as_deref(), token.as_deref());
        }
    }

    /// The JWKS URLs whose keys are not loaded yet (for `hydrate` with a JS fetcher).
    #[napi]
    pub fn unloaded(&self) -> Vec<String> {
        self.verifier
            .as_ref()
            .map(|v| v.unloaded())
            .unwrap_or_default()
    }

    /// Loads every pool's keys not loaded yet; resolves with null, or with the error.
    #[napi]
    pub fn hydrate<'env>(
        &self,
        env: &'env Env,
        watch_fetches: bool,
    ) -> napi::Result<PromiseRaw<'env, Option<Refusal>>> {
        let verifier = self.verifier.clone();
        env.spawn_future(watched(watch_fetches, async move {
            let loaded = match verifier {
                Ok(verifier) => verifier.hydrate().await,
                Err(error) => Err(error),
            };
            Ok(loaded.err().map(Refusal::from))
        }))
    }

    /// Keys given as a JWKS document (JSON) for one pool; null, or the error.
    #[napi]
    pub fn cache_jwks(&self, jwks: String, user_pool_id: Option<String>) -> Option<Refusal> {
        let verifier = self.verifier.as_ref().map_err(Clone::clone);
        let given = verifier.and_then(|v| v.cache_jwks(user_pool_id.as_deref(), &jwks));
        given.err().map(Refusal::from)
    }

    /// The JWK that verifies `token`, when it is known (for a custom check).
    #[napi(ts_return_type = "Record<string, unknown> | null")]
    pub fn jwk_for(&self, token: String) -> Option<serde_json::Value> {
        self.verifier.as_ref().ok()?.jwk_for(&token)
    }
}

/// A pool id's `{ issuer, jwksUri }` as Cognito forms them, or null when it is not a pool id.
#[napi(object)]
pub struct PoolUrls {
    pub issuer: String,
    pub jwks_uri: String,
}

#[napi]
pub fn parse_user_pool_id(user_pool_id: String) -> Option<PoolUrls> {
    let (issuer, jwks_uri) = crate::verify::pool_urls(&user_pool_id)?;
    Some(PoolUrls { issuer, jwks_uri })
}

/// The methods that may answer on the calling thread (`NativePool.callNow`).
#[napi]
pub fn methods_answered_now() -> Vec<String> {
    crate::ANSWERED_NOW.iter().map(|m| m.to_string()).collect()
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
