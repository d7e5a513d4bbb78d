//! The opt-in cache of verified tokens. A backend sees the same token on every request for the
//! hour it lives, and the signature of a token that verified once need not be checked again. The
//! key is the whole token; a hit skips the signature only: the claims are read again and every
//! check of the verification (its validity window included, and the call's own checks) applies,
//! so nothing is answered past `exp` and nothing a check refuses is let through. Bounded in
//! entries and in bytes, oldest first out.
#![forbid(unsafe_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// How many verified tokens, and how many bytes of them, a cache keeps by default.
pub const DEFAULT_ENTRIES: usize = 10_000;
pub const DEFAULT_BYTES: usize = 32 * 1024 * 1024;

pub struct Verified {
    max_entries: usize,
    max_bytes: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Arc<str>, Entry>,
    /// Insertion order, for eviction; may name entries already removed.
    order: VecDeque<Arc<str>>,
    bytes: usize,
}

struct Entry {
    /// The claims as handed out (the payload without prototype keys).
    payload: Arc<str>,
    /// Which of the verifier's pools verified it.
    pool: usize,
}

impl Verified {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            max_entries,
            max_bytes,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The payload of `token` and its pool's index, if it verified before.
    pub fn get(&self, token: &str) -> Option<(Arc<str>, usize)> {
        let state = self.state();
        let entry = state.entries.get(token)?;
        Some((entry.payload.clone(), entry.pool))
    }

    /// Keeps `token`, verified by pool `pool` with these claims, making room as needed. A token
    /// larger than the whole budget is not kept.
    pub fn put(&self, token: &str, payload: &str, pool: usize) {
        let size = token.len() + payload.len();
        if size > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut state = self.state();
        if state.entries.contains_key(token) {
            return;
        }
        while state.entries.len() >= self.max_entries || state.bytes + size > self.max_bytes {
            let Some(oldest) = state.order.pop_front() else {
                break;
            };
            if let Some(gone) = state.entries.remove(&oldest) {
                state.bytes -= oldest.len() + gone.payload.len();
            }
        }
        let key: Arc<str> = token.into();
        state.order.push_back(key.clone());
        state.bytes += size;
        let payload = payload.into();
        state.entries.insert(key, Entry { payload, pool });
    }

    /// Forgets `token` (it expired).
    pub fn remove(&self, token: &str) {
        let mut state = self.state();
        if let Some((key, gone)) = state.entries.remove_entry(token) {
            state.bytes -= key.len() + gone.payload.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_in_entries_and_bytes_oldest_out() {
        let cache = Verified::new(2, 1000);
        cache.put("t1", "p1", 0);
        cache.put("t2", "p2", 1);
        cache.put("t3", "p3", 0);
        assert!(cache.get("t1").is_none(), "the oldest went out");
        assert_eq!(
            cache.get("t2").map(|(p, i)| (p.to_string(), i)),
            Some(("p2".into(), 1))
        );
        let small = Verified::new(100, 10);
        small.put("token-a", "pa", 0);
        small.put("token-b", "pb", 0);
        assert!(small.get("token-a").is_none(), "bytes bound");
        assert!(small.get("token-b").is_some());
        small.put("a-token-larger-than-all", "p", 0);
        assert!(small.get("a-token-larger-than-all").is_none());
        small.remove("token-b");
        assert!(small.get("token-b").is_none());
        assert_eq!(small.state().bytes, 0);
    }
}
