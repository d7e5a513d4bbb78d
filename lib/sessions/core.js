'use strict'

// The session core, framework-neutral: start a session from a login's tokens, read it from a
// request (verified locally, refreshed near expiry, single-flight), end it. Adapters (express.js,
// fastify.js, web.js) only translate a framework's request and response to the view the core
// takes, `{ cookie, host }`, and back (`setCookie`, a list of Set-Cookie values).

const crypto = require('node:crypto')
const { makeError, invalidParams } = require('../errors.js')
const { readSecrets, seal, unseal } = require('./seal.js')
const { readCookieOptions, cookieFor, parseCookies, readValue, writeValue, MAX_CHUNKS, CHUNK_SIZE } = require('./cookies.js')
const { memoryStore, isStore } = require('./stores.js')
const { Session } = require('./session.js')
const express = require('./express.js')
const fastify = require('./fastify.js')
const { web } = require('./web.js')
const { channels, traced } = require('../tracing.js')

const DEFAULT_MAX_AGE_S = 30 * 24 * 3600
const DEFAULT_MARGIN_S = 60
const DEFAULT_POOL_TIMEOUT_MS = 10_000
/** How often a request waiting for another process's refresh looks at the store again. */
const WAIT_POLL_MS = 25
/** How long, and for how many sessions, a cookie-only refresh's outcome is kept for late requests. */
const RECENT_MS = 60_000
const RECENT_MAX = 10_000
/** Verification errors that say the keys could not be had: the session is not at fault, the service is unavailable. */
const UNAVAILABLE = new Set(['FetchError', 'JwksValidationError', 'NonRetryableFetchError', 'WaitPeriodNotYetEndedJwkError'])

const unavailable = (code, message) => makeError({ code, message, statusCode: 503, retryable: true })
const now = () => Math.floor(Date.now() / 1000)

/** The options of `pool.sessions()`, read; `{ why }` names the first bad one. */
function readOptions(options, poolTimeout) {
  if (options === null || typeof options !== 'object') return { why: 'sessions() takes an options object with at least `secrets`' }
  for (const key of ['secrets', 'store']) {
    if (key in options && options[key] === undefined)
      return { why: `${key} is undefined: give a value (an unset variable is a mistake, not a default)` }
  }
  const { keys, why } = readSecrets(options.secrets)
  if (why) return { why }
  const store = options.store ?? 'memory'
  if (store !== 'memory' && store !== 'cookie' && !isStore(store)) {
    return {
      why: "store must be 'memory', 'cookie' or a store (redisStore(client), or an object with get, set, replace, destroy, lock, unlock)",
    }
  }
  if (typeof store.why === 'string') return { why: store.why }
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE_S
  if (!Number.isInteger(maxAge) || maxAge < 60) return { why: 'maxAge must be a whole number of seconds, at least 60' }
  const margin = options.refreshMargin ?? DEFAULT_MARGIN_S
  if (!Number.isFinite(margin) || margin < 0) return { why: 'refreshMargin must be a number of seconds, at least 0' }
  const timeout = options.timeout ?? poolTimeout ?? DEFAULT_POOL_TIMEOUT_MS
  if (!Number.isFinite(timeout) || timeout <= 0) return { why: 'timeout must be a positive number of milliseconds' }
  const cookie = readCookieOptions(options.cookie, maxAge)
  if (cookie.why) return cookie
  return {
    keys,
    store: store === 'memory' ? memoryStore() : store === 'cookie' ? null : store,
    cookie: cookie.cookie,
    maxAge,
    margin,
    timeout,
    // A refresh may take the pool's call (its timeout) and the wait for a refresh in flight
    // (twice more); the lock outlives it, so that no second refresh starts while one runs.
    lockMs: 3 * (poolTimeout ?? DEFAULT_POOL_TIMEOUT_MS) + 1000,
  }
}

class Sessions {
  #pool
  #access
  #id
  #why
  #keys
  #store
  #cookie
  #maxAge
  #margin
  #timeout
  #lockMs
  /** Refreshes in flight in this process, by session id: every request of a session shares one. */
  #refreshing = new Map()
  /**
   * Cookie-only sessions: the outcome of each recent refresh, by session id and generation, for
   * the requests that still carry the cookie from before it (sent before the new one arrived);
   * with a rotating client their old refresh token is spent.
   */
  #recent = new Map()

  /** What every seal is bound to besides its purpose: the pool and app client, so a cookie of another app never opens. */
  #scope

  constructor(pool, options, { timeout: poolTimeout, scope }) {
    this.#pool = pool
    this.#scope = scope
    const read = readOptions(options, poolTimeout)
    this.#why = read.why
    if (read.why) return
    ;({ keys: this.#keys, store: this.#store, cookie: this.#cookie, maxAge: this.#maxAge } = read)
    ;({ margin: this.#margin, timeout: this.#timeout, lockMs: this.#lockMs } = read)
    this.#access = pool.verifier({ tokenUse: 'access', tokenCache: true })
    this.#id = pool.verifier({ tokenUse: 'id' })
  }

  /** Express/Connect middleware: `req.session`, `req.startSession(tokens)`, `req.endSession()`. */
  express() {
    return express.middleware(this)
  }

  /** Express/Connect: a route's guard (401 without a session, 403 without a required scope or group). */
  guard(requirements) {
    return express.guard(this, requirements)
  }

  /** The Fastify plugin: `app.register(sessions.fastify)`. */
  get fastify() {
    return fastify.plugin(this)
  }

  /** Fastify: a route's guard, as a preHandler. */
  fastifyGuard(requirements) {
    return fastify.guard(requirements)
  }

  /** Web-standard Request/Response: `read`, `start`, `end`, `guard`, `withCookies`. */
  get web() {
    return web(this)
  }

  /** 'memory', 'redis', 'cookie' or the kind a store of the caller's own names. */
  get storeKind() {
    return this.#store ? (this.#store.kind ?? 'custom') : 'cookie'
  }

  /**
   * A new session from a login's tokens (any flow), with a fresh random id; a session the request
   * already had ends first (no fixation). Resolves `{ session, setCookie }`.
   */
  async start(tokens, request = {}) {
    this.#check()
    if (
      tokens === null ||
      typeof tokens !== 'object' ||
      typeof tokens.accessToken !== 'string' ||
      typeof tokens.refreshToken !== 'string'
    ) {
      throw invalidParams(
        'start() takes the tokens a login resolved ({ accessToken, refreshToken, idToken }); a nextStep is not a session yet',
      )
    }
    const cookies = parseCookies(request.cookie)
    const cookie = cookieFor(this.#cookie, request.host)
    const previous = await this.#load(readValue(cookies, cookie.name))
    if (previous) await this.#destroy(previous, { revoke: true })
    const record = {
      v: 1,
      id: crypto.randomBytes(32).toString('base64url'),
      createdAt: now(),
      expiresAt: now() + this.#maxAge,
      gen: 0,
    }
    if (typeof tokens.deviceKey === 'string') record.deviceKey = tokens.deviceKey
    const { claims } = await this.#adopt(record, tokens)
    const value = await this.#save(record)
    // A new session's cookie lives its whole maxAge (not a second less if the clock ticked since).
    return { session: new Session(record, claims), setCookie: writeValue(cookie, cookies, value, this.#maxAge) }
  }

  /**
   * The request's session, `{ session, setCookie }`: session null when there is none (no cookie,
   * a tampered, stale or foreign one, a session ended or refused by Cognito). Never rejects for a
   * bad cookie; rejects with a coded 503 when the store or the keys cannot be reached in time.
   */
  async read(request = {}) {
    this.#check()
    const cookies = parseCookies(request.cookie)
    const cookie = cookieFor(this.#cookie, request.host)
    const value = readValue(cookies, cookie.name)
    if (value === null) return { session: null, setCookie: [] }
    const loaded = await this.#load(value)
    if (!loaded || loaded.expiresAt <= now()) {
      if (loaded) await this.#destroy(loaded, { revoke: false })
      return { session: null, setCookie: writeValue(cookie, cookies, null) }
    }
    const current = await this.#current(loaded)
    if (!current) return { session: null, setCookie: writeValue(cookie, cookies, null) }
    const { record, claims } = current
    // A stateless session travels in its cookie: a refreshed one goes back to the browser.
    const setCookie = !this.#store && record !== loaded ? writeValue(cookie, cookies, this.#sealRecord(record), this.#lifeOf(record)) : []
    return { session: new Session(record, claims), setCookie }
  }

  /**
   * Ends the request's session: gone from the store first (refused by every process at once),
   * then its refresh token revoked (RevokeToken), and with `global` every token of the user
   * (GlobalSignOut). Resolves `{ ended, revoked, setCookie }`.
   */
  async end(request = {}, { global = false } = {}) {
    this.#check()
    const cookies = parseCookies(request.cookie)
    const cookie = cookieFor(this.#cookie, request.host)
    const record = await this.#load(readValue(cookies, cookie.name))
    const outcome = record ? await this.#destroy(record, { revoke: true, global }) : { revoked: false }
    return { ended: record !== null, revoked: outcome.revoked, setCookie: writeValue(cookie, cookies, null) }
  }

  #check() {
    if (this.#why) throw invalidParams(this.#why)
  }

  #lifeOf(record) {
    return Math.max(0, record.expiresAt - now())
  }

  /** Verifies tokens from Cognito and writes them into `record` (claims of the id token kept with it). */
  async #adopt(record, tokens) {
    const claims = await this.#verified(tokens.accessToken)
    if (claims === null)
      throw makeError({
        code: 'NotAuthorizedException',
        message: 'the access token did not pass verification',
        statusCode: 400,
        retryable: false,
      })
    let idClaims = null
    if (typeof tokens.idToken === 'string') {
      idClaims = await this.#id.verify(tokens.idToken).catch(() => null)
      if (idClaims === null || idClaims.sub !== claims.sub) {
        throw makeError({
          code: 'NotAuthorizedException',
          message: 'the id token did not pass verification',
          statusCode: 400,
          retryable: false,
        })
      }
    }
    Object.assign(record, {
      username: claims.username ?? idClaims?.['cognito:username'] ?? claims.sub,
      accessToken: tokens.accessToken,
      idToken: tokens.idToken,
      refreshToken: tokens.refreshToken,
      idClaims,
    })
    return { claims }
  }

  /** The access token's claims; null when it does not verify; a 503 when the keys cannot be had. */
  async #verified(token) {
    try {
      return await this.#access.verify(token)
    } catch (err) {
      if (UNAVAILABLE.has(err.code)) throw unavailable('SessionKeysUnavailable', `the pool's keys could not be loaded (${err.code})`)
      return null
    }
  }

  /** The record with an access token good for more than the margin: as it is, refreshed, or null. */
  async #current(record) {
    const claims = await this.#verifiedOrExpired(record.accessToken)
    if (claims === null) return null
    if (claims !== 'expired' && claims.exp - now() > this.#margin) return { record, claims }
    return this.#refreshOnce(record)
  }

  async #verifiedOrExpired(token) {
    try {
      return await this.#access.verify(token)
    } catch (err) {
      if (err.code === 'JwtExpiredError') return 'expired'
      if (UNAVAILABLE.has(err.code)) throw unavailable('SessionKeysUnavailable', `the pool's keys could not be loaded (${err.code})`)
      return null
    }
  }

  /** One refresh per session in this process; every request of the session waits for it. */
  #refreshOnce(record) {
    const key = `${record.id}:${record.gen}`
    const recent = this.#recent.get(key)
    if (recent && recent.until > Date.now()) return this.#settled(recent.record)
    let pending = this.#refreshing.get(key)
    if (!pending) {
      const work = () => (this.#store ? this.#refreshShared(record) : this.#refresh(record).then((out) => this.#remember(key, out)))
      pending = this.#traced(work)
      pending = pending.finally(() => this.#refreshing.delete(key))
      this.#refreshing.set(key, pending)
    }
    return pending
  }

  /**
   * A refresh, published on the refresh channel when it has subscribers: `{ store }`, and
   * `{ ended: true }` when Cognito refused it. The traced function resolves to nothing, since
   * TracingChannel hands its value to every subscriber and a refresh's value holds tokens.
   */
  #traced(work) {
    if (!channels.refresh.hasSubscribers) return work()
    const context = { store: this.storeKind }
    let out
    return traced(channels.refresh, context, async () => {
      out = await work()
      if (out === null) context.ended = true
    }).then(() => out)
  }

  /** Keeps a cookie-only refresh's outcome for the requests still in flight with the older cookie. */
  #remember(key, out) {
    if (out) {
      if (this.#recent.size >= RECENT_MAX) {
        for (const [old, { until }] of this.#recent) if (until <= Date.now() || this.#recent.size >= RECENT_MAX) this.#recent.delete(old)
      }
      this.#recent.set(key, { record: out.record, until: Date.now() + RECENT_MS })
    }
    return out
  }

  /**
   * Across processes: whoever takes the store's lock refreshes; the others wait for the record's
   * next generation. The rotated tokens are written (compare-and-set on the record read) before
   * any request is answered with them, so a process that dies after Cognito answered loses
   * nothing that anyone was told of.
   */
  async #refreshShared(record) {
    const deadline = Date.now() + this.#lockMs + this.#timeout
    for (;;) {
      const latest = await this.#reload(record.id)
      if (!latest) return null
      if (latest.gen !== record.gen) return this.#settled(latest)
      const token = await this.#bounded(this.#store.lock(record.id, this.#lockMs))
      if (token) {
        try {
          const sealed = await this.#bounded(this.#store.get(record.id))
          const mine = this.#unsealRecord(record.id, sealed)
          if (!mine) return null
          if (mine.gen !== record.gen) return this.#settled(mine)
          return await this.#refresh(mine, sealed)
        } finally {
          await this.#bounded(this.#store.unlock(record.id, token)).catch(() => {})
        }
      }
      if (Date.now() > deadline) throw unavailable('SessionRefreshTimeout', "another process's refresh of this session did not end in time")
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS))
    }
  }

  /** A record another process refreshed: verified as any record is. */
  async #settled(record) {
    const claims = await this.#verifiedOrExpired(record.accessToken)
    return claims && claims !== 'expired' ? { record, claims } : null
  }

  /** GetTokensFromRefreshToken for the record; null when Cognito refuses it (the session ends). */
  async #refresh(record, sealed) {
    let tokens
    try {
      const device = record.deviceKey ? { deviceKey: record.deviceKey } : {}
      tokens = await this.#pool.refreshSession({ username: record.username, refreshToken: record.refreshToken, ...device })
    } catch (err) {
      if (err.code !== 'NotAuthorizedException') throw err
      if (this.#store) await this.#bounded(this.#store.destroy(record.id))
      return null
    }
    const next = { ...record, gen: record.gen + 1 }
    const { claims } = await this.#adopt(next, tokens)
    if (this.#store) {
      const written = await this.#bounded(this.#store.replace(record.id, sealed, this.#sealRecord(next), this.#lifeOf(next) * 1000))
      if (!written) {
        // Signed out while the refresh ran (or the record moved on): the new tokens must not
        // bring the session back, so they are revoked.
        await this.#pool.revokeToken({ refreshToken: next.refreshToken }).catch(() => {})
        const latest = await this.#reload(record.id)
        return latest ? this.#settled(latest) : null
      }
    }
    return { record: next, claims }
  }

  async #reload(id) {
    return this.#unsealRecord(id, await this.#bounded(this.#store.get(id)))
  }

  /** The record a cookie value names: unsealed from the cookie itself, or looked up in the store. */
  async #load(value) {
    if (value === null || value.length > CHUNK_SIZE * MAX_CHUNKS) return null
    if (!this.#store) return this.#parseRecord(unseal(this.#keys, `${this.#scope}:session`, value), null)
    const id = unseal(this.#keys, `${this.#scope}:session-id`, value)
    if (id === null) return null
    return this.#reload(id)
  }

  /** Writes a new record; resolves the cookie's value (the sealed record, or its sealed id). */
  async #save(record) {
    const sealed = this.#sealRecord(record)
    if (!this.#store) return sealed
    await this.#bounded(this.#store.set(record.id, sealed, this.#lifeOf(record) * 1000))
    return seal(this.#keys, `${this.#scope}:session-id`, record.id)
  }

  async #destroy(record, { revoke, global = false }) {
    if (this.#store) await this.#bounded(this.#store.destroy(record.id))
    if (!revoke) return { revoked: false }
    if (global) await this.#pool.logout({ username: record.username, accessToken: record.accessToken }).catch(() => {})
    const revoked = await this.#pool.revokeToken({ refreshToken: record.refreshToken }).then(
      () => true,
      () => false,
    )
    return { revoked }
  }

  /** A record sealed for the store or cookie: bound to its id when stored, so it cannot be moved. */
  #sealRecord(record) {
    return seal(this.#keys, this.#store ? `${this.#scope}:session-record:${record.id}` : `${this.#scope}:session`, JSON.stringify(record))
  }

  #unsealRecord(id, sealed) {
    return this.#parseRecord(unseal(this.#keys, `${this.#scope}:session-record:${id}`, sealed ?? null), id)
  }

  #parseRecord(text, id) {
    if (text === null) return null
    try {
      const record = JSON.parse(text)
      if (record?.v !== 1 || (id !== null && record.id !== id)) return null
      return record
    } catch {
      return null
    }
  }

  /** A store call bounded by the timeout: a store that is down or slow is a coded 503, never a hang. */
  #bounded(promise) {
    let timer
    const timedOut = new Promise((resolve, reject) => {
      timer = setTimeout(
        () => reject(unavailable('SessionStoreUnavailable', `the session store did not answer within ${this.#timeout} ms`)),
        this.#timeout,
      )
    })
    // The store's own message stays out: a store of the caller's own may put a value in it.
    const failed = Promise.resolve(promise).catch((err) => {
      throw unavailable('SessionStoreUnavailable', `the session store failed (${err?.code ?? err?.name ?? 'error'})`)
    })
    return Promise.race([failed, timedOut]).finally(() => clearTimeout(timer))
  }
}

module.exports = { Sessions }
