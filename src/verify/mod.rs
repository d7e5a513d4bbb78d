//! Local token verification, the hot path of a backend: a [`Verifier`] made once for one or more
//! pools checks a token's signature against its pool's JWKS ([`jwks`]), then its claims
//! ([`checks`]). The `verifyToken` method is the same verifier, made from the pool's data, with
//! the keys of the process's store for its JWKS URL.
#![forbid(unsafe_code)]

pub mod cache;
pub mod checks;
pub mod jwks;
pub mod jwt;

use crate::client::Cognito;
use crate::config::{dns_suffix, is_region, split_pool_id, PoolConfig};
use crate::error::{code::jwt as code, Error, Result};
use crate::params::Params;
use checks::{Checks, TokenUse};
use jwks::Jwks;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

/// How long a JWKS fetch of a verifier may take unless its options say otherwise (`timeout`).
pub const JWKS_TIMEOUT: Duration = Duration::from_secs(3);

/// A refused token: 401, the answer a backend gives for it. The message says why, never what
/// the token holds.
pub(crate) fn refused(code: &str, why: &str) -> Error {
    Error::new(code, Some(401), format!("Invalid token: {why}"))
}

/// A pool id's issuer and JWKS URL, as Cognito forms them (aws-jwt-verify's `parseUserPoolId`);
/// None for anything that is not a pool id.
pub fn pool_urls(user_pool_id: &str) -> Option<(String, String)> {
    let pool = Pool::new(user_pool_id, None, None, Checks::default(), KeyStore::Own).ok()?;
    let issuer = pool.issuers.into_iter().next()?;
    Some((issuer, pool.jwks_url))
}

/// One issuer a verifier accepts tokens of: a Cognito pool as it issues from one region (its own,
/// or one of its replicas': a multi-region pool's tokens name the region that issued them), or
/// any OIDC issuer.
struct Pool {
    /// The pool id, or a generic issuer's URL: what `cacheJwks` names it by.
    user_pool_id: String,
    /// A pool's: Cognito's original issuer host and the `issuer-` host it now also issues from,
    /// in the region's partition. A generic issuer's: its one URL.
    issuers: Vec<String>,
    jwks_url: String,
    jwks: Arc<Jwks>,
    checks: Checks,
    /// A generic issuer given as null: no `iss` is checked (a verifier has only this pool then).
    any_issuer: bool,
}

/// Where a pool's keys are kept.
#[derive(Clone, Copy)]
enum KeyStore {
    /// Its verifier's own: keys given to one verifier never reach another (as in aws-jwt-verify).
    Own,
    /// The process's store for the JWKS URL, for `verifyToken`, which has no verifier to keep
    /// keys in (a backend may even make its pool object per request).
    SharedByUrl,
}

impl Pool {
    /// The pool as it issues from `replica` (a replica region), or from its own region.
    fn new(
        user_pool_id: &str,
        replica: Option<&str>,
        jwks_url: Option<String>,
        checks: Checks,
        store: KeyStore,
    ) -> Result<Self> {
        let (home, _) = split_pool_id(user_pool_id).ok_or_else(|| {
            Error::invalid_param(
                "userPoolId must look like <region>_<id>, e.g. us-east-1_AbCdEf123",
            )
        })?;
        let region = replica.unwrap_or(home);
        let suffix = dns_suffix(region);
        let issuers: Vec<String> = ["cognito-idp", "issuer-cognito-idp"]
            .iter()
            .map(|host| format!("https://{host}.{region}.{suffix}/{user_pool_id}"))
            .collect();
        let jwks_url = jwks_url.unwrap_or_else(|| format!("{}/.well-known/jwks.json", issuers[0]));
        Ok(Self::of_issuers(
            user_pool_id,
            issuers,
            jwks_url,
            checks,
            store,
        ))
    }

    /// Any OIDC issuer (Entra ID, Auth0, Okta, Keycloak...): its `iss`, and its JWKS URL. With
    /// no issuer (null: the caller checks `iss` itself, or the tokens carry none), the verifier's
    /// only pool takes every token, named by its JWKS URL.
    fn generic(issuer: Option<&str>, jwks_url: String, checks: Checks) -> Self {
        let checks = Checks {
            generic: true,
            ..checks
        };
        let (id, issuers) = match issuer {
            Some(issuer) => (issuer.to_owned(), vec![issuer.to_owned()]),
            None => (jwks_url.clone(), Vec::new()),
        };
        let mut pool = Self::of_issuers(&id, issuers, jwks_url, checks, KeyStore::Own);
        pool.any_issuer = issuer.is_none();
        pool
    }

    fn of_issuers(
        id: &str,
        issuers: Vec<String>,
        jwks_url: String,
        checks: Checks,
        store: KeyStore,
    ) -> Self {
        Self {
            user_pool_id: id.to_owned(),
            jwks: match store {
                KeyStore::Own => Arc::default(),
                KeyStore::SharedByUrl => Jwks::of(&jwks_url),
            },
            issuers,
            jwks_url,
            checks,
            any_issuer: false,
        }
    }
}

/// Verifies tokens of one or more pools, each with its own checks.
pub struct Verifier {
    pools: Vec<Pool>,
    timeout: Duration,
    /// How long after a fetch an unknown `kid` waits for the next (aws-jwt-verify's penalty box).
    wait: Duration,
    /// Tokens verified before, when the verifier keeps them (`tokenCache`).
    cache: Option<cache::Verified>,
    /// `=` padding in a token's parts: refused, but by a load balancer's verifier.
    padding: jwt::Padding,
}

/// Reads one pool's options, naming the field of any that is wrong.
struct Options<'a> {
    object: &'a Map<String, Value>,
    at: String,
}

impl Options<'_> {
    fn bad(&self, name: &str, should: &str) -> Error {
        Error::invalid_param(format!("{}{name} must be {should}", self.at))
    }

    /// A string or a non-empty list of strings: None when absent, `Some(None)` when null.
    fn list(&self, name: &str) -> Result<Option<Option<Vec<String>>>> {
        let should = "a string, a non-empty array of strings or null";
        match self.object.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(one)) => Ok(Some(Some(vec![one.clone()]))),
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(|list| Some(Some(list)))
                .ok_or_else(|| self.bad(name, should)),
            Some(_) => Err(self.bad(name, should)),
        }
    }

    fn string(&self, name: &str) -> Result<Option<&str>> {
        match self.object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.bad(name, "a string")),
        }
    }

    fn token_use(&self) -> Result<Option<Option<TokenUse>>> {
        let should = "'id', 'access' or null (either)";
        match self.object.get("tokenUse") {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(name)) => TokenUse::from_name(name)
                .map(|token_use| Some(Some(token_use)))
                .ok_or_else(|| self.bad("tokenUse", should)),
            Some(_) => Err(self.bad("tokenUse", should)),
        }
    }

    fn grace_seconds(&self) -> Result<Option<u64>> {
        match self.object.get("graceSeconds") {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(0)),
            Some(v) => v
                .as_u64()
                .filter(|s| *s <= 24 * 3600)
                .map(Some)
                .ok_or_else(|| {
                    self.bad("graceSeconds", "a whole number of seconds from 0 to 86400")
                }),
        }
    }

    /// `replicaRegions`: the regions a multi-region pool also issues tokens from.
    fn replica_regions(&self) -> Result<Vec<String>> {
        let should = "a list of AWS regions (e.g. ['eu-west-1'])";
        match self.list("replicaRegions")? {
            None | Some(None) => Ok(Vec::new()),
            Some(Some(regions)) if regions.iter().all(|r| is_region(r)) => Ok(regions),
            Some(Some(_)) => Err(self.bad("replicaRegions", should)),
        }
    }

    /// The checks these options give (a verifier's, or one verification's own).
    fn checks(&self) -> Result<Checks> {
        Ok(Checks {
            token_use: self.token_use()?,
            client_ids: self.list("clientId")?,
            audiences: self.list("audience")?,
            scopes: self.list("scope")?,
            groups: self.list("groups")?,
            grace_seconds: self.grace_seconds()?,
            generic: false,
        })
    }
}

/// What one verification gives of its own (aws-jwt-verify's per-call properties): `tokenUse`,
/// `clientId`, `scope`, `groups`, `graceSeconds`, each over the verifier's for the token's pool.
pub fn call_checks(json: &str) -> Result<Checks> {
    let value: Value = serde_json::from_str(json)
        .map_err(|_| Error::invalid_param("the verification's options must be an object"))?;
    let object = value
        .as_object()
        .ok_or_else(|| Error::invalid_param("the verification's options must be an object"))?;
    Options {
        object,
        at: String::new(),
    }
    .checks()
}

impl Verifier {
    /// A verifier from its options as JSON: `{ pools: [{ userPoolId, tokenUse?, clientId?,
    /// scope?, groups?, graceSeconds?, jwksUri?, jwks? }], timeout? }`. `tokenUse` and `clientId`
    /// left out here must be given by each verification (null checks nothing), as aws-jwt-verify
    /// requires, so that no verifier accepts every app client's tokens by omission.
    pub fn from_json(json: &str) -> Result<Self> {
        let options: Value = serde_json::from_str(json)
            .map_err(|_| Error::invalid_param("the verifier's options must be an object"))?;
        let timeout = match options.get("timeout") {
            None | Some(Value::Null) => JWKS_TIMEOUT,
            Some(v) => v
                .as_u64()
                .filter(|ms| (1..=60_000).contains(ms))
                .map(Duration::from_millis)
                .ok_or_else(|| Error::invalid_param("timeout must be 1 to 60000 milliseconds"))?,
        };
        let wait = match options.get("jwksWaitSeconds") {
            None | Some(Value::Null) => jwks::MIN_REFETCH,
            Some(v) => v
                .as_u64()
                .filter(|s| *s <= 3600)
                .map(Duration::from_secs)
                .ok_or_else(|| Error::invalid_param("jwksWaitSeconds must be 0 to 3600 seconds"))?,
        };
        let list = options
            .get("pools")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty());
        let list = list.ok_or_else(|| {
            Error::invalid_param("the verifier needs at least one userPoolId or issuer")
        })?;
        let several = list.len() > 1;
        let mut pools: Vec<Pool> = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let at = if several {
                format!("[{i}].")
            } else {
                String::new()
            };
            let object = entry.as_object().ok_or_else(|| {
                Error::invalid_param(format!("the verifier's options {at} must be an object"))
            })?;
            let options = Options { object, at };
            let checks = options.checks()?;
            let jwks_url = options.string("jwksUri")?.map(str::to_owned);
            if let Some(url) = &jwks_url {
                if !crate::http::is_http_url(url) {
                    return Err(
                        options.bad("jwksUri", "an http:// or https:// URL, without credentials")
                    );
                }
            }
            let given = match object.get("jwks") {
                None => None,
                Some(jwks) => Some(jwks::keys_of(jwks.clone()).map_err(|e| {
                    Error::invalid_param(format!("{}jwks: {}", options.at, e.message))
                })?),
            };
            if object.contains_key("issuer") {
                let issuer = options.string("issuer")?;
                if issuer.is_some_and(|i| pools.iter().any(|p| p.user_pool_id == i)) {
                    return Err(options.bad("issuer", "different for each issuer of a verifier"));
                }
                if issuer.is_none() && several {
                    return Err(options.bad(
                        "issuer",
                        "given (not null) when a verifier has several issuers",
                    ));
                }
                // As aws-jwt-verify: an issuer's keys are at its `/.well-known/jwks.json` unless
                // told otherwise; with no issuer to check, there is nowhere to find them but jwksUri.
                let jwks_url = match (jwks_url, issuer) {
                    (Some(url), _) => url,
                    (None, Some(issuer)) => {
                        format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/'))
                    }
                    (None, None) => return Err(options.bad("jwksUri", "given when issuer is null")),
                };
                let pool = Pool::generic(issuer, jwks_url, checks);
                if let Some(keys) = given {
                    pool.jwks.give(keys);
                }
                pools.push(pool);
                continue;
            }
            let user_pool_id = options
                .string("userPoolId")?
                .ok_or_else(|| options.bad("userPoolId", "given"))?;
            if pools.iter().any(|p| p.user_pool_id == user_pool_id) {
                return Err(options.bad("userPoolId", "different for each pool of a verifier"));
            }
            let regions = options.replica_regions()?;
            for region in std::iter::once(None).chain(regions.iter().map(|r| Some(r.as_str()))) {
                let pool = Pool::new(
                    user_pool_id,
                    region,
                    jwks_url.clone(),
                    checks.clone(),
                    KeyStore::Own,
                )
                .map_err(|e| Error::invalid_param(format!("{}{}", options.at, e.message)))?;
                if let Some(keys) = &given {
                    pool.jwks.give(keys.clone());
                }
                pools.push(pool);
            }
        }
        let cache = match options.get("tokenCache") {
            None | Some(Value::Null | Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some(cache::Verified::new(
                cache::DEFAULT_ENTRIES,
                cache::DEFAULT_BYTES,
            )),
            Some(Value::Object(limits)) => {
                let limit = |name: &str, default: usize| match limits.get(name) {
                    None | Some(Value::Null) => Ok(default),
                    Some(v) => v.as_u64().map(|n| n as usize).ok_or_else(|| {
                        Error::invalid_param(format!("tokenCache.{name} must be a whole number"))
                    }),
                };
                Some(cache::Verified::new(
                    limit("maxEntries", cache::DEFAULT_ENTRIES)?,
                    limit("maxBytes", cache::DEFAULT_BYTES)?,
                ))
            }
            Some(_) => {
                return Err(Error::invalid_param(
                    "tokenCache must be true, false or { maxEntries?, maxBytes? }",
                ))
            }
        };
        let padding = match options.get("allowPadding") {
            Some(Value::Bool(true)) => jwt::Padding::Allowed,
            _ => jwt::Padding::Refused,
        };
        Ok(Self {
            pools,
            timeout,
            wait,
            cache,
            padding,
        })
    }

    /// The index of the pool whose issuer the token names.
    fn pool_of(&self, claims: &jwt::Claims) -> Result<usize> {
        let iss = claims.iss.as_deref();
        self.pools
            .iter()
            .position(|pool| {
                pool.any_issuer || iss.is_some_and(|iss| pool.issuers.iter().any(|i| i == iss))
            })
            .ok_or_else(|| {
                let expected: Vec<&String> = self.pools.iter().flat_map(|p| &p.issuers).collect();
                refused(code::WRONG_ISSUER, "it was not issued by the pool (iss)")
                    .with_assertion(serde_json::json!(iss), serde_json::json!(expected))
            })
    }

    /// `call` is what the verification gives of its own, over the pool's checks. A verifier none
    /// of whose pools has what must be given (`tokenUse`, `clientId`; an issuer's `audience`),
    /// given by neither, refuses before it reads the token.
    pub fn verify_sync(&self, token: &str, call: Option<&Checks>) -> Result<String> {
        let merged = |pool: &Pool| call.map(|call| pool.checks.under(call));
        let unusable = |pool: &Pool| {
            let checks = merged(pool);
            checks
                .as_ref()
                .unwrap_or(&pool.checks)
                .must_be_given()
                .err()
        };
        // Some only when every pool lacks what must be given: then no token can pass.
        let all_unusable: Option<Vec<Error>> = self.pools.iter().map(unusable).collect();
        if let Some(missing) = all_unusable.and_then(|errors| errors.into_iter().next()) {
            return Err(missing);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        if let Some((payload, index)) = self.cache.as_ref().and_then(|c| c.get(token)) {
            let claims = jwt::claims_of(&payload)?;
            let pool = &self.pools[index];
            let checked = merged(pool)
                .as_ref()
                .unwrap_or(&pool.checks)
                .check(&claims, now);
            if let Err(e) = checked {
                if let Some(cache) = self.cache.as_ref().filter(|_| e.code == code::EXPIRED) {
                    cache.remove(token);
                }
                return Err(e);
            }
            return Ok(payload.to_string());
        }
        let jwt = jwt::decode(token, self.padding)?;
        let claims = jwt.claims()?;
        let index = self.pool_of(&claims)?;
        let pool = &self.pools[index];
        pool.jwks.key(&jwt.kid)?.verify(&jwt)?;
        merged(pool)
            .as_ref()
            .unwrap_or(&pool.checks)
            .check(&claims, now)?;
        drop(claims);
        let payload = jwt::without_poisoned_keys(jwt.payload);
        if let Some(cache) = &self.cache {
            cache.put(token, &payload, index);
        }
        Ok(payload)
    }

    /// Whether an error of [`Self::verify_sync`] (by its code) may go away once the pool's keys
    /// are (re)loaded.
    pub fn needs_keys(code: &str) -> bool {
        [
            code::UNKNOWN_KID,
            code::JWKS_NOT_CACHED,
            code::FETCH,
            code::JWKS_INVALID,
            code::JWK_INVALID,
        ]
        .contains(&code)
    }

    /// Loads the keys of the token's pool unless they answer for its `kid` already (or the
    /// window since the last load forbids it).
    pub async fn load_for(&self, token: &str) -> Result<()> {
        let jwt = jwt::decode(token, self.padding)?;
        let pool = &self.pools[self.pool_of(&jwt.claims()?)?];
        pool.jwks
            .load(&pool.jwks_url, Some(&jwt.kid), self.timeout, self.wait)
            .await
    }

    /// For a verifier whose keys a JS fetcher brings: the JWKS URL to fetch for the token's pool,
    /// or None when no fetch is due (the keys answer, or the window is not over: `Err`).
    pub fn fetch_due(&self, token: &str) -> Result<Option<String>> {
        let jwt = jwt::decode(token, self.padding)?;
        let pool = &self.pools[self.pool_of(&jwt.claims()?)?];
        Ok(pool
            .jwks
            .fetch_due(&jwt.kid, self.wait)?
            .then(|| pool.jwks_url.clone()))
    }

    /// What a JS fetcher brought from `url` (the JWKS text, or None when it failed), for every
    /// pool whose keys are there.
    pub fn fetched(&self, url: &str, document: Option<&str>, token: Option<&str>) {
        let jwt = token.and_then(|token| jwt::decode(token, self.padding).ok());
        let kid = jwt.as_ref().map(|jwt| jwt.kid.as_str());
        for pool in self.pools.iter().filter(|p| p.jwks_url == url) {
            pool.jwks.fetched(document, kid, self.wait);
        }
    }

    /// The JWKS URLs of the pools whose keys are not loaded yet (for `hydrate` with a fetcher).
    pub fn unloaded(&self) -> Vec<String> {
        let mut urls: Vec<String> = Vec::new();
        for pool in self.pools.iter().filter(|p| !p.jwks.loaded()) {
            if !urls.contains(&pool.jwks_url) {
                urls.push(pool.jwks_url.clone());
            }
        }
        urls
    }

    /// The token's claims, loading its pool's keys first when they are not known.
    pub async fn verify(&self, token: &str, call: Option<&Checks>) -> Result<String> {
        match self.verify_sync(token, call) {
            Err(e) if Self::needs_keys(&e.code) => {
                self.load_for(token).await?;
                self.verify_sync(token, call)
            }
            verified => verified,
        }
    }

    /// Loads every pool's keys that are not loaded yet.
    pub async fn hydrate(&self) -> Result<()> {
        for pool in &self.pools {
            pool.jwks
                .load(&pool.jwks_url, None, self.timeout, self.wait)
                .await?;
        }
        Ok(())
    }

    /// Keys given by the caller for one pool (the only one when `user_pool_id` is None), for
    /// every region it issues from.
    pub fn cache_jwks(&self, user_pool_id: Option<&str>, document: &str) -> Result<()> {
        let id = match user_pool_id {
            Some(id) => id,
            None if self
                .pools
                .iter()
                .all(|p| p.user_pool_id == self.pools[0].user_pool_id) =>
            {
                &self.pools[0].user_pool_id
            }
            None => {
                return Err(Error::invalid_param(
                    "cacheJwks needs the userPoolId of a verifier of several pools",
                ))
            }
        };
        let pools: Vec<&Pool> = self.pools.iter().filter(|p| p.user_pool_id == id).collect();
        if pools.is_empty() {
            return Err(Error::invalid_param(
                "userPoolId is not one of the verifier's pools",
            ));
        }
        let keys = jwks::parse(document.as_bytes()).map_err(|e| Error::invalid_param(e.message))?;
        for pool in pools {
            pool.jwks.give(keys.clone());
        }
        Ok(())
    }

    /// The JWK as published that would verify `token`, if it is known.
    pub fn jwk_for(&self, token: &str) -> Option<Value> {
        let jwt = jwt::decode(token, self.padding).ok()?;
        let pool = &self.pools[self.pool_of(&jwt.claims().ok()?).ok()?];
        Some(pool.jwks.key(&jwt.kid).ok()?.jwk.clone())
    }
}

impl Verifier {
    /// A verifier of the pool's own tokens with `checks`, its keys kept per JWKS URL for the
    /// process (a backend may make its pool object per request).
    pub fn of_pool(config: &PoolConfig, checks: Checks) -> Result<Self> {
        let pool = Pool::new(
            &config.user_pool_id,
            None,
            config.jwks_url.clone(),
            checks,
            KeyStore::SharedByUrl,
        )?;
        Ok(Self {
            pools: vec![pool],
            timeout: config.timeout,
            wait: jwks::MIN_REFETCH,
            cache: None,
            padding: jwt::Padding::Refused,
        })
    }
}

/// The verifiers of `verifyToken`, one per (pool, JWKS URL, app client) in the process: kept, so
/// that a pool object made per request verifies as fast as a verifier made at start-up. Past
/// [`MAX_POOL_VERIFIERS`] they are let go and made again (their keys live per JWKS URL anyway).
type PoolVerifiers = HashMap<(String, Option<String>, String), Arc<Verifier>>;

static POOL_VERIFIERS: LazyLock<Mutex<PoolVerifiers>> = LazyLock::new(Default::default);

const MAX_POOL_VERIFIERS: usize = 256;

fn pool_verifier(config: &PoolConfig) -> Result<Arc<Verifier>> {
    let key = (
        config.user_pool_id.clone(),
        config.jwks_url.clone(),
        config.client_id.clone(),
    );
    let mut kept = POOL_VERIFIERS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(verifier) = kept.get(&key) {
        return Ok(verifier.clone());
    }
    if kept.len() >= MAX_POOL_VERIFIERS {
        kept.clear();
    }
    let checks = Checks {
        token_use: Some(None),
        client_ids: Some(Some(vec![config.client_id.clone()])),
        ..Checks::default()
    };
    let verifier = Arc::new(Verifier::of_pool(config, checks)?);
    kept.insert(key, verifier.clone());
    Ok(verifier)
}

/// `verifyToken`'s params: the token, and the checks the call gives over the pool's.
fn token_and_checks(params: &Params) -> Result<(&str, Checks)> {
    let token = params.string("token")?;
    params.refuse_undefined("tokenUse", "either")?;
    let token_use = match params.optional_string("tokenUse")? {
        None => None,
        Some(name) => Some(
            TokenUse::from_name(name)
                .ok_or_else(|| Error::invalid_param("tokenUse must be 'id' or 'access'"))?,
        ),
    };
    let checks = Checks {
        token_use: Some(token_use),
        grace_seconds: params.optional_seconds("graceSeconds")?,
        ..Checks::default()
    };
    Ok((token, checks))
}

/// The verified claims as the token carries them, handed on without being parsed again.
fn raw(payload: String) -> Result<Box<RawValue>> {
    RawValue::from_string(payload)
        .map_err(|_| Error::internal("could not read the verified claims"))
}

/// `verifyToken({ token, tokenUse?, graceSeconds? })`: the pool's kept verifier, for its app
/// client, run on the call's runtime (loading the pool's keys when it must).
pub async fn verify_token(cognito: &Cognito, params: &Params) -> Result<Box<RawValue>> {
    let (token, checks) = token_and_checks(params)?;
    let verifier = pool_verifier(&cognito.config)?;
    raw(verifier.verify(token, Some(&checks)).await?)
}

/// `verifyToken` on the calling thread, as `createVerifier`'s `verifySync` runs: its answer, or
/// None when the pool's keys must first be loaded (the call then goes [`verify_token`]'s way).
pub fn verify_token_now(config: &PoolConfig, params: &Params) -> Option<Result<Box<RawValue>>> {
    let verified = token_and_checks(params)
        .and_then(|(token, checks)| pool_verifier(config)?.verify_sync(token, Some(&checks)));
    match verified {
        Err(e) if Verifier::needs_keys(&e.code) => None,
        verified => Some(verified.and_then(raw)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(json: &str) -> String {
        Verifier::from_json(json)
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    #[test]
    fn a_pool_has_both_issuers_and_cognitos_jwks_url() {
        let pool = Pool::new(
            "us-east-1_Pool1",
            None,
            None,
            Checks::default(),
            KeyStore::Own,
        )
        .unwrap();
        assert_eq!(
            pool.issuers,
            [
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1",
                "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1"
            ]
        );
        assert_eq!(
            pool.jwks_url,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1/.well-known/jwks.json"
        );
    }

    #[test]
    fn issuers_in_each_partition_and_in_replica_regions() {
        let of = |id: &str, replica: Option<&str>| {
            Pool::new(id, replica, None, Checks::default(), KeyStore::Own)
                .unwrap()
                .issuers
        };
        assert_eq!(
            of("cn-north-1_Cn1", None)[0],
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Cn1"
        );
        assert_eq!(
            of("eusc-de-east-1_Eu1", None)[1],
            "https://issuer-cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_Eu1"
        );
        assert_eq!(
            of("us-gov-west-1_Gov1", None)[0],
            "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Gov1"
        );
        // A replica issues under its own region, with the pool's id unchanged.
        assert_eq!(
            of("us-east-1_Pool1", Some("eu-west-1"))[0],
            "https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_Pool1"
        );
        let verifier = Verifier::from_json(
            r#"{"pools":[{"userPoolId":"us-east-1_Pool1","tokenUse":null,"clientId":null,"replicaRegions":["eu-west-1","ap-south-1"]}]}"#,
        )
        .unwrap();
        let urls: Vec<&str> = verifier.pools.iter().map(|p| p.jwks_url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1/.well-known/jwks.json",
                "https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_Pool1/.well-known/jwks.json",
                "https://cognito-idp.ap-south-1.amazonaws.com/us-east-1_Pool1/.well-known/jwks.json"
            ]
        );
        let bad = r#"{"pools":[{"userPoolId":"us-east-1_Pool1","tokenUse":null,"clientId":null,"replicaRegions":["moon"]}]}"#;
        assert!(
            code_of(bad).contains("replicaRegions must be"),
            "{}",
            code_of(bad)
        );
    }

    /// Tokens signed by node:crypto for each algorithm, with their JWKs (scripts/jwt-vectors.js).
    fn vectors() -> (Verifier, Vec<(String, String)>) {
        let file: Value =
            serde_json::from_str(include_str!("../../testdata/jwt-vectors.json")).unwrap();
        let keys: Vec<&Value> = file["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| &v["jwk"])
            .collect();
        let options = serde_json::json!({"pools": [{
            "userPoolId": file["userPoolId"], "tokenUse": "access", "clientId": file["clientId"],
            "groups": "readers", "scope": "aws.cognito.signin.user.admin",
            "jwksUri": "http://127.0.0.1:9/vectors", "jwks": {"keys": keys},
        }]});
        let tokens = file["vectors"].as_array().unwrap().iter();
        let tokens = tokens.map(|v| {
            (
                v["alg"].as_str().unwrap().to_owned(),
                v["token"].as_str().unwrap().to_owned(),
            )
        });
        (
            Verifier::from_json(&options.to_string()).unwrap(),
            tokens.collect(),
        )
    }

    #[test]
    fn every_algorithm_verifies_with_its_key_and_no_other() {
        let (verifier, tokens) = vectors();
        assert_eq!(tokens.len(), 6);
        for (alg, token) in &tokens {
            let payload = verifier
                .verify_sync(token, None)
                .unwrap_or_else(|e| panic!("{alg}: {e}"));
            let claims: Value = serde_json::from_str(&payload).unwrap();
            assert_eq!(claims["sub"], "vector-user", "{alg}");
            // The signature of one token under another's header (its key and algorithm).
            for (other, other_token) in tokens.iter().filter(|(other, _)| other != alg) {
                let header = other_token.split('.').next().unwrap();
                let swapped = format!("{header}{}", &token[token.find('.').unwrap()..]);
                let err = verifier.verify_sync(&swapped, None).unwrap_err();
                assert_eq!(err.code, code::BAD_SIGNATURE, "{alg} under {other}");
            }
            let at = token.rfind('.').unwrap() + 10;
            let flipped = if &token[at..=at] == "A" { "B" } else { "A" };
            let tampered = format!("{}{flipped}{}", &token[..at], &token[at + 1..]);
            assert_eq!(
                verifier.verify_sync(&tampered, None).unwrap_err().code,
                code::BAD_SIGNATURE,
                "{alg}"
            );
        }
    }

    #[test]
    fn a_token_alg_other_than_its_keys_is_refused_before_the_signature() {
        use base64::Engine as _;
        let (verifier, tokens) = vectors();
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let rs256 = &tokens[0].1;
        let rest = &rs256[rs256.find('.').unwrap()..];
        for alg in ["RS384", "ES256"] {
            let token = format!(
                "{}{rest}",
                b64(&format!(r#"{{"alg":"{alg}","kid":"rs256-key"}}"#))
            );
            assert_eq!(
                verifier.verify_sync(&token, None).unwrap_err().code,
                code::BAD_ALGORITHM,
                "{alg}"
            );
        }
        let token = format!("{}{rest}", b64(r#"{"alg":"RS256","kid":"nobody"}"#));
        assert_eq!(
            verifier.verify_sync(&token, None).unwrap_err().code,
            code::UNKNOWN_KID
        );
    }

    #[test]
    fn options_are_checked_by_name() {
        let ok = r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":null,"clientId":null}]}"#;
        assert!(Verifier::from_json(ok).is_ok());
        for (json, says) in [
            (r#"{"pools":[]}"#, "at least one userPoolId"),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"refresh","clientId":null}]}"#,
                "tokenUse must be",
            ),
            (
                r#"{"pools":[{"userPoolId":"nope","tokenUse":"id","clientId":"c"}]}"#,
                "userPoolId must look like",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":[]}]}"#,
                "clientId must be",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c","groups":[1]}]}"#,
                "groups must be",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c","graceSeconds":-1}]}"#,
                "graceSeconds must be",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c","jwksUri":"ftp://x"}]}"#,
                "jwksUri must be",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c"},{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c"}]}"#,
                "[1].userPoolId must be different",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c","jwks":{}}]}"#,
                "jwks: The pool's JWKS has no keys array",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id","clientId":"c"}],"timeout":0}"#,
                "timeout must be",
            ),
        ] {
            assert!(code_of(json).contains(says), "{json}: {}", code_of(json));
        }
        // Left out at creation, tokenUse and clientId must come with each verification.
        for (json, says) in [
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","clientId":null}]}"#,
                "tokenUse must be given",
            ),
            (
                r#"{"pools":[{"userPoolId":"eu-west-1_A1","tokenUse":"id"}]}"#,
                "clientId must be given",
            ),
        ] {
            let verifier = Verifier::from_json(json).unwrap();
            let err = verifier.verify_sync("a.b.c", None).unwrap_err();
            assert!(err.message.starts_with(says), "{json}: {}", err.message);
            let given = call_checks(r#"{"tokenUse":null,"clientId":null}"#).unwrap();
            let err = verifier.verify_sync("a.b.c", Some(&given)).unwrap_err();
            assert_eq!(
                err.code,
                code::MALFORMED,
                "{json}: given per call, the token is read"
            );
        }
    }
}
