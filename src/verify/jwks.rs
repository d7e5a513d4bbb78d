//! The keys of a JWKS URL: parsed once per `kid`, fetched by one request at a time for all the
//! verifications that need them, and never more often than a verifier's wait (by default
//! [`MIN_REFETCH`]).
#![forbid(unsafe_code)]

use super::jwt::{Alg, Jwt};
use super::refused;
use crate::error::{code::jwt as code, Error, Result};
use crate::http::{Failure, Owner};
use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents, VerificationAlgorithm};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hyper::body::Bytes;
use hyper::{Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// A JWKS is a few KiB; an answer past this is not one, and is not read further.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// An unknown `kid` fetches the JWKS again (Cognito rotates keys), but by default not more often
/// than this per URL, whether the last fetch worked or not: forged `kid`s or a failing endpoint cannot make
/// a fleet hammer it.
pub const MIN_REFETCH: Duration = Duration::from_secs(30);

static BY_URL: LazyLock<Mutex<HashMap<String, Arc<Jwks>>>> = LazyLock::new(Default::default);

/// One key of a JWKS by its `kid`: parsed for each algorithm it may verify, or why it cannot
/// verify signatures (a token that names it gets that error), with its JWK as published.
pub struct Key {
    parsed: Result<Vec<(Alg, ParsedPublicKey)>>,
    pub jwk: Value,
}

/// RSA keys under 2048 bits are refused (NIST SP 800-131A; Cognito's are 2048).
const MIN_RSA_BYTES: usize = 256;

/// Why a key of the JWKS cannot verify a token's signature (401: the token names it).
fn unusable(code: &str, why: &str) -> Error {
    refused(code, &format!("its key (kid) {why}"))
}

fn verification(alg: Alg) -> &'static dyn VerificationAlgorithm {
    match alg {
        Alg::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::Es256 => &signature::ECDSA_P256_SHA256_FIXED,
        Alg::Es384 => &signature::ECDSA_P384_SHA384_FIXED,
        Alg::Es512 => &signature::ECDSA_P521_SHA512_FIXED,
        Alg::EdDsa => &signature::ED25519,
    }
}

fn rsa_params(alg: Alg) -> Option<&'static signature::RsaParameters> {
    match alg {
        Alg::Rs256 => Some(&signature::RSA_PKCS1_2048_8192_SHA256),
        Alg::Rs384 => Some(&signature::RSA_PKCS1_2048_8192_SHA384),
        Alg::Rs512 => Some(&signature::RSA_PKCS1_2048_8192_SHA512),
        _ => None,
    }
}

impl Key {
    /// A key of a JWKS, under its `kid` (None without one: no token can name it). A signing key
    /// (`use` absent or `sig`) is RSA for the RS algorithms (the one its `alg` names, else all
    /// three), EC for the ES algorithm of its curve, or OKP Ed25519 for EdDSA; any other key is
    /// kept with its problem.
    pub fn from_jwk(jwk: Value) -> Option<(String, Self)> {
        let kid = jwk.get("kid").and_then(Value::as_str)?.to_owned();
        let parsed = Self::parse(&jwk);
        Some((kid, Self { parsed, jwk }))
    }

    fn parse(jwk: &Value) -> Result<Vec<(Alg, ParsedPublicKey)>> {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        let missing = |what: &str| unusable(code::JWK_INVALID, &format!("has no {what}"));
        let bytes = |name: &str, what: &str| {
            URL_SAFE_NO_PAD
                .decode(field(name).ok_or_else(|| missing(what))?)
                .map_err(|_| {
                    unusable(
                        code::JWK_INVALID,
                        &format!("has a {what} that is not base64url"),
                    )
                })
        };
        if field("use").is_some_and(|u| u != "sig") {
            return Err(unusable(
                code::JWK_INVALID_USE,
                "is not for signatures (use)",
            ));
        }
        let named = match field("alg") {
            Some(alg) => Some(Alg::from_name(alg).ok_or_else(|| {
                unusable(
                    code::BAD_ALGORITHM,
                    "names an algorithm a public key cannot verify",
                )
            })?),
            None => None,
        };
        let bad_key = || unusable(code::JWK_INVALID, "is not a valid public key");
        match field("kty") {
            Some("RSA") => {
                let components = RsaPublicKeyComponents {
                    n: bytes("n", "modulus (n)")?,
                    e: bytes("e", "exponent (e)")?,
                };
                let modulus = components.n.iter().skip_while(|b| **b == 0).count();
                if modulus < MIN_RSA_BYTES {
                    return Err(unusable(code::JWK_INVALID, "is an RSA key under 2048 bits"));
                }
                let algs = named.map_or(Alg::RSA.to_vec(), |alg| vec![alg]);
                algs.iter()
                    .map(|&alg| {
                        let params = rsa_params(alg).ok_or_else(|| {
                            unusable(code::BAD_ALGORITHM, "is RSA, its alg is not")
                        })?;
                        let key = components
                            .to_parsed_public_key(params)
                            .map_err(|_| bad_key())?;
                        Ok((alg, key))
                    })
                    .collect()
            }
            Some("EC") => {
                let crv = field("crv").ok_or_else(|| missing("curve (crv)"))?;
                let alg = Alg::for_curve(crv).ok_or_else(|| {
                    unusable(code::JWK_INVALID, "is on a curve not P-256/384/521")
                })?;
                if named.is_some_and(|named| named != alg) {
                    return Err(unusable(
                        code::BAD_ALGORITHM,
                        "names another algorithm than its curve's",
                    ));
                }
                let point = [
                    &[4u8][..],
                    &bytes("x", "X coordinate (x)")?,
                    &bytes("y", "Y coordinate (y)")?,
                ]
                .concat();
                let key = ParsedPublicKey::new(verification(alg), point).map_err(|_| bad_key())?;
                Ok(vec![(alg, key)])
            }
            Some("OKP") => {
                if named.is_some_and(|named| named != Alg::EdDsa) {
                    return Err(unusable(
                        code::BAD_ALGORITHM,
                        "is OKP, its alg is not EdDSA",
                    ));
                }
                match field("crv").ok_or_else(|| missing("curve (crv)"))? {
                    "Ed25519" => {
                        let x = bytes("x", "public key (x)")?;
                        let key = ParsedPublicKey::new(verification(Alg::EdDsa), x)
                            .map_err(|_| bad_key())?;
                        Ok(vec![(Alg::EdDsa, key)])
                    }
                    _ => Err(unusable(
                        code::JWK_INVALID,
                        "is on a curve other than Ed25519",
                    )),
                }
            }
            _ => Err(unusable(
                code::JWK_INVALID_KTY,
                "is not RSA, EC or OKP (kty)",
            )),
        }
    }

    /// The token's signature checked with this key, for the token's algorithm if it is the key's.
    pub fn verify(&self, jwt: &Jwt) -> Result<()> {
        let parsed = self.parsed.as_ref().map_err(Clone::clone)?;
        let (_, key) = parsed
            .iter()
            .find(|(alg, _)| *alg == jwt.alg)
            .ok_or_else(|| refused(code::BAD_ALGORITHM, "its algorithm is not its key's"))?;
        key.verify_sig(jwt.signed, &jwt.signature()?)
            .map_err(|_| refused(code::BAD_SIGNATURE, "its signature does not verify"))
    }
}

/// The keys cannot be had now: 503, and retryable, since a later fetch may succeed.
fn unavailable(message: String) -> Error {
    let mut err = Error::new(code::FETCH, Some(503), message);
    err.retryable = Some(true);
    err
}

/// A JWKS that is not one: 503, since no token can be verified with it (a later fetch may cure it).
fn invalid_jwks(code: &str, why: &str) -> Error {
    let mut err = Error::new(code, Some(503), format!("The pool's JWKS {why}"));
    err.retryable = Some(true);
    err
}

/// The keys of a JWKS document, by `kid`.
pub fn parse(document: &[u8]) -> Result<HashMap<String, Arc<Key>>> {
    let jwks = serde_json::from_slice(document)
        .map_err(|_| invalid_jwks(code::JWKS_INVALID, "is not JSON"))?;
    keys_of(jwks)
}

/// The JWK fields that must be strings when present (a JWKS with another is refused whole).
const STRING_FIELDS: &[&str] = &["kty", "use", "alg", "kid", "n", "e", "crv", "x", "y"];

/// The keys of a JWKS already read as JSON, by `kid`. A document that is no JWKS (no `keys`
/// array), or any entry that is no JWK (not an object, no `kty`, a field that should be a string
/// and is not), refuses the whole set, as aws-jwt-verify does: a key beside it is not trusted.
/// A well-formed key that cannot verify signatures is kept with its problem.
pub fn keys_of(mut jwks: Value) -> Result<HashMap<String, Arc<Key>>> {
    let Some(Value::Array(keys)) = jwks.get_mut("keys").map(Value::take) else {
        return Err(invalid_jwks(code::JWKS_INVALID, "has no keys array"));
    };
    for key in &keys {
        let object = key
            .as_object()
            .ok_or_else(|| invalid_jwks(code::JWK_INVALID, "holds a key that is not an object"))?;
        if !object.get("kty").is_some_and(Value::is_string) {
            return Err(invalid_jwks(code::JWK_INVALID, "holds a key without kty"));
        }
        if let Some(field) = STRING_FIELDS
            .iter()
            .find(|f| object.get(**f).is_some_and(|v| !v.is_string()))
        {
            return Err(invalid_jwks(
                code::JWK_INVALID,
                &format!("holds a key whose {field} is not a string"),
            ));
        }
    }
    Ok(keys
        .into_iter()
        .filter_map(Key::from_jwk)
        .map(|(kid, key)| (kid, Arc::new(key)))
        .collect())
}

/// [`fetch`], reported to the watcher of the call that runs it (module `fetches`): the URL, then
/// the HTTP status and the number of keys, or the failure.
async fn fetch_reported(url: &str, timeout: Duration) -> Result<HashMap<String, Arc<Key>>> {
    let report = crate::fetches::start("jwks", serde_json::json!({ "jwksUri": url }));
    let (status, loaded) = fetch(url, timeout).await;
    if let Some(report) = report {
        let keys = loaded.as_ref().ok().map(HashMap::len);
        let outcome = serde_json::json!({ "status": status.map(|s| s.as_u16()), "keys": keys });
        report.end(outcome, loaded.as_ref().err()).await;
    }
    loaded
}

/// The JWKS at `url`, within `timeout`, with the HTTP status when one came. A connection that
/// breaks (reset, closed early: a kept-alive one the server had dropped) is tried once more
/// within what is left of the timeout.
async fn fetch(
    url: &str,
    timeout: Duration,
) -> (Option<StatusCode>, Result<HashMap<String, Arc<Key>>>) {
    let failed = |what: &str| unavailable(format!("Could not fetch the pool's JWKS: {what}"));
    let deadline = Instant::now() + timeout;
    let get = |timeout| {
        crate::http::send(
            Owner::Public,
            (Method::GET, url),
            &[],
            Bytes::new(),
            timeout,
            MAX_JWKS_BYTES,
        )
    };
    let answer = match get(timeout).await {
        Err(Failure::Transport(_)) if Instant::now() < deadline => {
            get(deadline.saturating_duration_since(Instant::now())).await
        }
        answer => answer,
    };
    let (status, body) = match answer {
        Ok(answer) => answer,
        Err(Failure::NotAUrl) => {
            return (None, Err(Error::invalid_param("the JWKS URL is not a URL")))
        }
        Err(other) => return (None, Err(failed(&other.to_string()))),
    };
    if !status.is_success() {
        return (Some(status), Err(failed(&format!("HTTP {status}"))));
    }
    (Some(status), parse(&body))
}

/// What is known of one JWKS URL. `state` holds the keys and the last load's time and failure;
/// `fetching` lets one fetch run at a time, every other verification in need waits for its result.
#[derive(Default)]
pub struct Jwks {
    state: Mutex<Known>,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Known {
    /// None until a fetch or the caller gave the keys.
    keys: Option<HashMap<String, Arc<Key>>>,
    attempted: Option<Instant>,
    failure: Option<Error>,
    /// The last load did not have the `kid` it was made for: within the window, a next unknown
    /// `kid` waits (aws-jwt-verify's penalty box) rather than loading again. A load that has
    /// its `kid` lifts it, so a key rotation is seen at once.
    missed: bool,
    /// Counts the loads, so that a caller that waited for one knows it ran.
    generation: u64,
}

impl Jwks {
    /// The process's store of `url`'s keys.
    pub fn of(url: &str) -> Arc<Self> {
        let mut all = BY_URL.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(url.to_owned()).or_default().clone()
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key for `kid` from what is known, without any I/O.
    pub fn key(&self, kid: &str) -> Result<Arc<Key>> {
        let known = self.known();
        match &known.keys {
            Some(keys) => keys
                .get(kid)
                .cloned()
                .ok_or_else(|| refused(code::UNKNOWN_KID, "no key of the pool's JWKS has its kid")),
            None => Err(known.failure.clone().unwrap_or_else(|| {
                Error::new(
                    code::JWKS_NOT_CACHED,
                    Some(503),
                    "The pool's JWKS is not loaded yet: call verify() or hydrate() first",
                )
            })),
        }
    }

    /// Keys given by the caller, kept as if fetched now.
    pub fn give(&self, keys: HashMap<String, Arc<Key>>) {
        self.store(Ok(keys));
    }

    fn store(&self, loaded: Result<HashMap<String, Arc<Key>>>) {
        let mut known = self.known();
        known.attempted = Some(Instant::now());
        known.missed = false;
        known.generation += 1;
        match loaded {
            Ok(keys) => {
                known.keys = Some(keys);
                known.failure = None;
            }
            Err(failure) => known.failure = Some(failure),
        }
    }

    /// Whether the keys answer for `kid`, or a load would tell nothing new; `Err` when a load
    /// may not run: the last load failed within the window, or (aws-jwt-verify's penalty box) a
    /// load within the window did not have the `kid` it was run for. `since` is the generation a
    /// caller saw before it waited for a load (its own or another's): a load since then is the
    /// answer for its `kid` too, and when that `kid` is not there the penalty box starts.
    fn settled(&self, kid: Option<&str>, since: Option<u64>, wait: Duration) -> Result<bool> {
        let mut known = self.known();
        let recent = known.attempted.is_some_and(|at| at.elapsed() < wait);
        let loaded_since = since.is_some_and(|generation| generation != known.generation);
        let Some(keys) = &known.keys else {
            return match (&known.failure, recent) {
                (Some(failure), true) => Err(failure.clone()),
                _ => Ok(false),
            };
        };
        let Some(kid) = kid else { return Ok(true) };
        if keys.contains_key(kid) {
            return Ok(true);
        }
        match &known.failure {
            Some(failure) if recent => return Err(failure.clone()),
            _ => {}
        }
        if loaded_since {
            known.missed = true;
            return Ok(true);
        }
        if known.missed && recent {
            return Err(refused(
                code::WAIT_PERIOD,
                "its kid is unknown, and the pool's JWKS was fetched too recently to fetch again",
            ));
        }
        Ok(false)
    }

    /// The generation of what is known: it changes with every load.
    fn generation(&self) -> u64 {
        self.known().generation
    }

    /// Whether a fetch by the caller's own fetcher is due for `kid`, under the same window as
    /// [`Self::load`]: `Err` is the window's answer (the last failure, or the wait).
    pub fn fetch_due(&self, kid: &str, wait: Duration) -> Result<bool> {
        self.settled(Some(kid), None, wait).map(|settled| !settled)
    }

    /// What the caller's own fetcher brought for `kid` (None for a hydrate): the JWKS document's
    /// text, or None when it failed (its error is the caller's own, and is not repeated).
    pub fn fetched(&self, document: Option<&str>, kid: Option<&str>, wait: Duration) {
        let before = self.generation();
        self.store(match document {
            Some(text) => parse(text.as_bytes()),
            None => Err(unavailable(
                "Could not fetch the pool's JWKS: the verifier's fetcher failed".to_owned(),
            )),
        });
        // Starts the penalty box when the fetch did not bring the kid it was made for.
        let _ = self.settled(kid, Some(before), wait);
    }

    /// Whether keys were fetched or given.
    pub fn loaded(&self) -> bool {
        self.known().keys.is_some()
    }

    /// Fetches `url` unless what is known already answers for `kid` (any key when None) or the
    /// `wait` since the last fetch forbids it; concurrent loads share one fetch.
    pub async fn load(
        &self,
        url: &str,
        kid: Option<&str>,
        timeout: Duration,
        wait: Duration,
    ) -> Result<()> {
        let seen = self.generation();
        if self.settled(kid, None, wait)? {
            return Ok(());
        }
        let _turn = self.fetching.lock().await;
        // The fetch that ran while this one waited answers it, as if it were its own.
        if self.settled(kid, Some(seen), wait)? {
            return Ok(());
        }
        let before = self.generation();
        self.store(fetch_reported(url, timeout).await);
        self.settled(kid, Some(before), wait).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rsa_jwk() -> Value {
        // A 2048-bit modulus of the test's RS256 vector key (its value matters only as a shape).
        json!({"kty": "RSA", "kid": "r1", "e": "AQAB", "n": URL_SAFE_NO_PAD.encode([0xc5u8; 256])})
    }

    #[test]
    fn keeps_every_key_and_the_problem_of_those_that_cannot_verify() {
        let n = URL_SAFE_NO_PAD.encode([0xc5u8; 256]);
        let doc = json!({"keys": [
            rsa_jwk(),
            {"kty": "RSA", "kid": "enc", "use": "enc", "e": "AQAB", "n": n},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "EC", "kid": "bad-curve", "crv": "P-192", "x": "AA", "y": "AA"},
            {"kty": "EC", "kid": "no-y", "crv": "P-256", "x": "AA"},
            {"kty": "RSA", "kid": "no-n", "e": "AQAB"},
            {"kty": "RSA", "kid": "hs", "alg": "HS256", "e": "AQAB", "n": n},
            {"kty": "RSA", "kid": "short", "e": "AQAB", "n": URL_SAFE_NO_PAD.encode([0xc5u8; 128])},
            {"kty": "RSA", "e": "AQAB", "n": n},
        ]});
        let keys = parse(doc.to_string().as_bytes()).unwrap();
        let algs: Vec<Alg> = keys["r1"]
            .parsed
            .as_ref()
            .unwrap()
            .iter()
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(
            algs,
            Alg::RSA,
            "an RSA key without alg verifies the three RS algorithms"
        );
        for (kid, problem) in [
            ("enc", code::JWK_INVALID_USE),
            ("hmac", code::JWK_INVALID_KTY),
            ("bad-curve", code::JWK_INVALID),
            ("no-y", code::JWK_INVALID),
            ("no-n", code::JWK_INVALID),
            ("hs", code::BAD_ALGORITHM),
            ("short", code::JWK_INVALID),
        ] {
            let err = keys[kid]
                .parsed
                .as_ref()
                .err()
                .unwrap_or_else(|| panic!("{kid} parsed"));
            assert_eq!(
                (err.code.as_str(), err.status_code),
                (problem, Some(401)),
                "{kid}"
            );
        }
        assert_eq!(keys.len(), 8, "a key without kid can be named by no token");
    }

    #[test]
    fn a_document_that_is_no_jwks_or_holds_a_malformed_key_is_refused_whole() {
        for (doc, problem) in [
            ("nope", code::JWKS_INVALID),
            ("{}", code::JWKS_INVALID),
            (r#"{"keys":{}}"#, code::JWKS_INVALID),
            (
                r#"{"keys":[{"kty":"RSA","kid":"a","e":"AQAB","n":"AA"},"x"]}"#,
                code::JWK_INVALID,
            ),
            (r#"{"keys":[{"kid":"a"}]}"#, code::JWK_INVALID),
            (r#"{"keys":[{"kty":"RSA","kid":7}]}"#, code::JWK_INVALID),
            (
                r#"{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":1,"y":"AA"}]}"#,
                code::JWK_INVALID,
            ),
        ] {
            let err = parse(doc.as_bytes()).err().unwrap();
            assert_eq!(
                (err.code.as_str(), err.status_code),
                (problem, Some(503)),
                "{doc}"
            );
        }
    }

    #[test]
    fn before_any_load_the_keys_are_not_cached_then_a_kid_is_unknown() {
        let jwks = Jwks::default();
        assert_eq!(jwks.key("r1").err().unwrap().code, code::JWKS_NOT_CACHED);
        jwks.give(parse(json!({"keys": [rsa_jwk()]}).to_string().as_bytes()).unwrap());
        assert!(jwks.key("r1").is_ok());
        assert_eq!(jwks.key("other").err().unwrap().code, code::UNKNOWN_KID);
        assert_eq!(
            jwks.settled(Some("other"), None, MIN_REFETCH).ok(),
            Some(false),
            "an unknown kid loads again: a key rotation is seen at once"
        );
        // A load made for a kid that it did not have starts the penalty box: its caller (and
        // every caller that waited for it) is told the kid is unknown, a next caller waits.
        let before = jwks.generation();
        jwks.give(parse(json!({"keys": [rsa_jwk()]}).to_string().as_bytes()).unwrap());
        assert_eq!(
            jwks.settled(Some("other"), Some(before), MIN_REFETCH).ok(),
            Some(true)
        );
        assert_eq!(
            jwks.settled(Some("other"), None, MIN_REFETCH)
                .err()
                .unwrap()
                .code,
            code::WAIT_PERIOD
        );
        assert_eq!(
            jwks.settled(Some("r1"), None, MIN_REFETCH).ok(),
            Some(true),
            "a known kid is never kept waiting"
        );
        // A load that has its kid lifts the penalty.
        let before = jwks.generation();
        jwks.give(parse(json!({"keys": [rsa_jwk()]}).to_string().as_bytes()).unwrap());
        assert_eq!(
            jwks.settled(Some("r1"), Some(before), MIN_REFETCH).ok(),
            Some(true)
        );
        assert_eq!(
            jwks.settled(Some("other"), None, MIN_REFETCH).ok(),
            Some(false)
        );
    }
}
