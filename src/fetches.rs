//! Fetches that serve more than the call that starts them: a pool's JWKS, a machine token. Many
//! calls may wait for one, and it belongs to none of them (no caller's abort ends it), so it is
//! not one of a call's requests; it is reported on its own, as it starts and as it ends, to the
//! watcher of the JS thread whose call started it (the tracing channels `cognito-user-pool:jwks`
//! and `cognito-user-pool:machine-token`), once however many calls wait for it.
//!
//! A report names the kind of fetch, its URL or source and scopes, and its outcome (the HTTP
//! status, the number of keys, the error's code and message); never a token, a key or a secret.

use crate::error::Error;
use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where one JS thread's reports go, each as one JSON text.
pub trait Watch: Send + Sync {
    /// Sends `report` on its way.
    fn send(&self, report: String);
    /// Sends `report` and resolves once it was delivered (or cannot be: the thread is gone), so
    /// that the fetch's end is told before the answer of a call that waited for it.
    fn deliver(&self, report: String) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

pub type Watcher = Arc<dyn Watch>;

tokio::task_local! {
    static WATCHER: Watcher;
}

/// How long a fetch's end waits for its JS thread to take the report. The calls waiting for the
/// fetch, on any thread, wait with it: a thread busy for longer (a long synchronous task) does not
/// hold back the others, and its report then arrives after their answers.
const DELIVERY_WAIT: Duration = Duration::from_secs(1);

/// Tells the reports of concurrent fetches apart.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// `work`, whose fetches are reported to `watcher`.
pub async fn watched<F: Future>(watcher: Option<Watcher>, work: F) -> F::Output {
    match watcher {
        Some(watcher) => WATCHER.scope(watcher, work).await,
        None => work.await,
    }
}

/// The current task's watcher, if any.
fn current() -> Option<Watcher> {
    WATCHER.try_with(Clone::clone).ok()
}

/// Spawns `work` on the runtime with the current task's watcher: the fetches it starts are
/// reported where the current task's would be.
pub fn spawn<F>(work: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(watched(current(), work))
}

/// A fetch whose start was reported: its end is reported once, by [`Self::end`], or as
/// abandoned when it is dropped before (the call that ran it went away mid-fetch).
pub struct Reported {
    id: u64,
    watcher: Watcher,
    started: Instant,
    ended: bool,
}

/// Reports the start of a fetch of `kind` (`jwks`, `machineToken`), described by `about`, when
/// the current task has a watcher.
pub fn start(kind: &str, about: Value) -> Option<Reported> {
    let watcher = current()?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    watcher.send(json!({ "id": id, "kind": kind, "context": about }).to_string());
    Some(Reported {
        id,
        watcher,
        started: Instant::now(),
        ended: false,
    })
}

impl Reported {
    /// Reports the end: `outcome`'s fields (a status, a count) and, on failure, the error's
    /// code, message and status; resolves once the report was delivered (or after
    /// [`DELIVERY_WAIT`]).
    pub async fn end(mut self, outcome: Value, failure: Option<&Error>) {
        self.ended = true;
        let mut end = match outcome {
            Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        if let Some(error) = failure {
            end.insert("code".into(), error.code.clone().into());
            end.insert("message".into(), error.message.clone().into());
            end.insert("statusCode".into(), error.status_code.into());
        }
        let report = self.report(end);
        let _ = tokio::time::timeout(DELIVERY_WAIT, self.watcher.deliver(report)).await;
    }

    /// The end's report: `end` with the fetch's duration.
    fn report(&self, mut end: serde_json::Map<String, Value>) -> String {
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        end.insert("durationMs".into(), ms.into());
        json!({ "id": self.id, "end": end }).to_string()
    }
}

impl Drop for Reported {
    fn drop(&mut self) {
        if !self.ended {
            let mut end = serde_json::Map::new();
            end.insert("abandoned".into(), true.into());
            self.watcher.send(self.report(end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<Value>>);

    impl Watch for Recorder {
        fn send(&self, report: String) {
            self.0
                .lock()
                .unwrap()
                .push(serde_json::from_str(&report).unwrap());
        }
        fn deliver(&self, report: String) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            self.send(report);
            Box::pin(async {})
        }
    }

    #[tokio::test]
    async fn a_watched_fetch_reports_its_start_and_end_an_unwatched_one_nothing() {
        assert!(start("jwks", json!({})).is_none());
        let recorder = Arc::new(Recorder::default());
        watched(Some(recorder.clone()), async {
            let fetch = start("jwks", json!({ "jwksUri": "https://x/jwks.json" })).unwrap();
            let failure = Error::new("FetchError", Some(503), "HTTP 500");
            fetch.end(json!({ "status": 500 }), Some(&failure)).await;
            drop(start("machineToken", json!({})));
        })
        .await;
        let seen = recorder.0.lock().unwrap();
        assert_eq!(seen.len(), 4);
        let id = &seen[0]["id"];
        assert_eq!(seen[0]["context"]["jwksUri"], "https://x/jwks.json");
        assert_eq!(seen[1]["id"], *id);
        assert_eq!(
            (&seen[1]["end"]["status"], &seen[1]["end"]["code"]),
            (&json!(500), &json!("FetchError"))
        );
        assert!(seen[1]["end"]["durationMs"].as_f64().unwrap() >= 0.0);
        assert_ne!(seen[2]["id"], *id);
        assert_eq!(seen[3]["end"]["abandoned"], true, "dropped before its end");
    }
}
