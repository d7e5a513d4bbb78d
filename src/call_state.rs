//! One call's dealings with the wire, shared by the JS thread and the task that runs the call:
//! whether a request went out, whether the caller has aborted, and the bodies it sent. Whether a
//! request may be sent is decided here, atomically against an abort, at the moment before it is
//! written: a call aborted before that sends nothing, whichever thread its task is on, and one
//! aborted after knows that its request may have reached Cognito. It also keeps each request's
//! outcome (operation, try, status, request id, timing) for the tracing channel.
#![forbid(unsafe_code)]

use serde::Serialize;
use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A request of the call has been handed to the connection.
const SENT: u8 = 1;
/// The caller aborted the call: no request is handed on after this.
const ABORTED: u8 = 2;

/// The request was not sent: its call had been aborted.
#[derive(Debug)]
pub struct Aborted;

impl std::fmt::Display for Aborted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the call was aborted before this request was sent")
    }
}

impl std::error::Error for Aborted {}

/// Shorter strings a call sends are names (an attribute's, a challenge's), not secrets; the
/// secrets that only exist in their sent form (sessions, proofs, hashes) are far longer, and the
/// ones the caller gave (codes, passwords) are redacted in that form already.
const MIN_SENT_SECRET: usize = 16;

/// Fields whose values are names that Cognito's and the token endpoint's own messages use, and
/// no secret.
const NOT_SECRET: &[&str] = &[
    "Username",
    "USERNAME",
    "ClientId",
    "AuthFlow",
    "ChallengeName",
    "client_id",
    "grant_type",
    "redirect_uri",
];

/// One request of a call, as the tracing channel shows it: no body, no header but the request
/// id. Times are milliseconds from the call's start.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Cognito's operation (`InitiateAuth`), or `OAuth2Token` for the token endpoint.
    pub operation: String,
    /// 1 for the first try of the operation in this call, 2 for its retry...
    pub attempt: u32,
    /// The answer's HTTP status; None when no answer came (a transport failure).
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub start_ms: f64,
    pub duration_ms: f64,
}

pub struct CallState {
    flags: AtomicU8,
    /// The request bodies as sent, for redaction: a secret may go out in another form than the
    /// caller gave it (an untagged session, a derived proof).
    sent: Mutex<Vec<Vec<u8>>>,
    began: Instant,
    /// Whether the call's requests are recorded: only when the tracing channel has a subscriber,
    /// so that an untraced call neither records them nor carries them back to the JS thread.
    traced: bool,
    attempts: Mutex<Vec<Attempt>>,
}

impl Default for CallState {
    fn default() -> Self {
        Self::new(false)
    }
}

tokio::task_local! {
    static CURRENT: Arc<CallState>;
}

impl CallState {
    /// A call's state; `traced`, its requests are recorded for [`Self::attempts`].
    pub fn new(traced: bool) -> Self {
        Self {
            flags: AtomicU8::default(),
            sent: Mutex::default(),
            began: Instant::now(),
            traced,
            attempts: Mutex::default(),
        }
    }

    /// Marks the call aborted; answers whether a request of it may have reached the server.
    pub fn abort(&self) -> bool {
        self.flags.fetch_or(ABORTED, Ordering::AcqRel) & SENT != 0
    }

    /// Runs `work` as this call's: every request made inside it (and inside what it hands to
    /// [`Self::spawn`]) goes through [`before_send`].
    pub fn scope<F: Future>(self: &Arc<Self>, work: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self.clone(), work)
    }

    /// Spawns `work` on the runtime as part of the current call (if any): it goes on when the
    /// call's own future is dropped (a timeout), and its requests are still the call's.
    pub fn spawn<F>(work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match CURRENT.try_with(Arc::clone) {
            Ok(state) => tokio::spawn(CURRENT.scope(state, work)),
            Err(_) => tokio::spawn(work),
        }
    }

    /// Every request the call made, in the order they ended.
    pub fn attempts(&self) -> Vec<Attempt> {
        self.attempts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Every body the call sent, in the order sent.
    pub fn sent_bodies(&self) -> Vec<Vec<u8>> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The values the call sent that an error message must not repeat: every string of
    /// [`MIN_SENT_SECRET`] characters or more in a JSON body (Cognito's) or a form body (the token
    /// endpoint's), at any depth, but the user's name, which Cognito's messages name.
    pub fn sent_secrets(&self) -> Vec<String> {
        fn walk(key: &str, value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::String(s) if !NOT_SECRET.contains(&key) => out.push(s.clone()),
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(key, v, out)),
                serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| walk(k, v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for body in self.sent_bodies() {
            match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(json) => walk("", &json, &mut out),
                Err(_) => out.extend(
                    form_urlencoded::parse(&body)
                        .filter(|(k, _)| !NOT_SECRET.contains(&k.as_ref()))
                        .map(|(_, v)| v.into_owned()),
                ),
            }
        }
        out.retain(|s| s.chars().count() >= MIN_SENT_SECRET);
        out
    }

    fn claim_send(&self, body: &[u8]) -> Result<(), Aborted> {
        let mut flags = self.flags.load(Ordering::Acquire);
        loop {
            if flags & ABORTED != 0 {
                return Err(Aborted);
            }
            match self.flags.compare_exchange_weak(
                flags,
                flags | SENT,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => flags = now,
            }
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(body.to_vec());
        Ok(())
    }
}

/// Called with each request's body just before it is written: refuses it if the current call
/// was aborted, else records it as sent. Outside any call (a verifier's JWKS fetch) it allows.
pub fn before_send(body: &[u8]) -> Result<(), Aborted> {
    CURRENT
        .try_with(|state| state.claim_send(body))
        .unwrap_or(Ok(()))
}

/// Records, for the current call (if any, and traced), a request of `operation` that was sent at `sent` and
/// ended now, with its answer's status and request id.
pub fn record_attempt(
    operation: &str,
    sent: Instant,
    status: Option<u16>,
    request_id: Option<&str>,
) {
    let _ = CURRENT.try_with(|state| {
        if !state.traced {
            return;
        }
        let mut attempts = state.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let attempt = 1 + attempts.iter().filter(|a| a.operation == operation).count() as u32;
        attempts.push(Attempt {
            operation: operation.to_owned(),
            attempt,
            status,
            request_id: request_id.map(str::to_owned),
            start_ms: sent.saturating_duration_since(state.began).as_secs_f64() * 1e3,
            duration_ms: sent.elapsed().as_secs_f64() * 1e3,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_abort_before_sending_refuses_every_request_and_says_nothing_went_out() {
        let state = Arc::new(CallState::default());
        assert!(!state.abort());
        let refused = state.scope(async { before_send(b"{}") }).await;
        assert!(refused.is_err());
        assert!(state.sent_bodies().is_empty());
    }

    #[tokio::test]
    async fn an_abort_after_sending_says_the_request_may_have_arrived() {
        let state = Arc::new(CallState::default());
        state
            .scope(async { before_send(br#"{"Session":"s1"}"#) })
            .await
            .unwrap();
        assert!(state.abort());
        assert!(state.scope(async { before_send(b"{}") }).await.is_err());
        assert_eq!(state.sent_bodies(), [br#"{"Session":"s1"}"#.to_vec()]);
    }

    #[tokio::test]
    async fn the_secrets_sent_are_known_in_the_form_sent() {
        let state = Arc::new(CallState::default());
        state
            .scope(async {
                before_send(br#"{"Session":"AYABeD-untagged-session-000","Username":"alice-the-long-name","ChallengeResponses":{"SECRET_HASH":"c2VjcmV0LWhhc2gtdmFsdWU="},"ChallengeName":"EMAIL_OTP"}"#)?;
                before_send(b"grant_type=authorization_code&code=the-authorization-code-1")
            })
            .await
            .unwrap();
        let mut secrets = state.sent_secrets();
        secrets.sort();
        assert_eq!(
            secrets,
            [
                "AYABeD-untagged-session-000",
                "c2VjcmV0LWhhc2gtdmFsdWU=",
                "the-authorization-code-1"
            ]
        );
    }

    #[tokio::test]
    async fn requests_are_recorded_only_for_a_traced_call() {
        for traced in [false, true] {
            let state = Arc::new(CallState::new(traced));
            state
                .scope(async {
                    record_attempt("InitiateAuth", Instant::now(), Some(200), Some("r-1"))
                })
                .await;
            state
                .scope(async { record_attempt("InitiateAuth", Instant::now(), None, None) })
                .await;
            let attempts = state.attempts();
            if !traced {
                assert!(attempts.is_empty());
                continue;
            }
            assert_eq!(attempts.len(), 2);
            assert_eq!((attempts[0].attempt, attempts[0].status), (1, Some(200)));
            assert_eq!(attempts[0].request_id.as_deref(), Some("r-1"));
            assert_eq!((attempts[1].attempt, attempts[1].status), (2, None));
        }
    }

    #[tokio::test]
    async fn spawned_work_stays_the_calls_and_outside_a_call_everything_is_sent() {
        let state = Arc::new(CallState::default());
        state.abort();
        let spawned = state
            .scope(async { CallState::spawn(async { before_send(b"x") }).await })
            .await
            .unwrap();
        assert!(spawned.is_err());
        assert!(before_send(b"x").is_ok());
    }
}
