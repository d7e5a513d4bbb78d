'use strict'

// Tokens an AWS Application Load Balancer signs for the app behind it (the `x-amzn-oidc-data`
// header), as aws-jwt-verify's AlbJwtVerifier checks them: ES256 keys fetched one `kid` at a time
// from the region's key endpoint (a PEM each), the header's `signer` among the load balancers
// given and its `client` among the app clients (or null for any), then the token's issuer,
// expiry and custom check through the package's verifier. The load balancer pads each part of the
// token with `=` and signs the padded text, which only this verifier accepts.

const crypto = require('node:crypto')
const { makeError } = require('./errors.js')
const { Verifier, PADDED, parameterError } = require('./verifier.js')

const ALB_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):elasticloadbalancing:([a-z]{2}-(?:gov-)?[a-z]+-\d):.+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DEFAULT_TIMEOUT_MS = 3000
/** Keys kept per key endpoint: a load balancer signs with one key at a time, rotated now and then. */
const KEYS_PER_ENDPOINT = 8
/** How long a `kid` the endpoint did not give is not asked for again, so a flood of it costs one request. */
const MISSING_KID_WAIT_MS = 30_000

const refusal = (code, message, statusCode, failedAssertion) => makeError({ code, message, statusCode, retryable: false, failedAssertion })

/** One issuer's options read: `{ entry }` or `{ why }`. */
function readEntry(entry, at, several) {
  if (entry === null || typeof entry !== 'object') return { why: "the ALB verifier's options must be an object or an array of them" }
  const arns = typeof entry.albArn === 'string' ? [entry.albArn] : entry.albArn
  if (!Array.isArray(arns) || arns.length === 0 || !arns.every((arn) => typeof arn === 'string')) {
    return { why: `${at}albArn must be a load balancer's ARN or a list of them` }
  }
  const regions = new Set()
  for (const arn of arns) {
    const match = ALB_ARN.exec(arn)
    if (!match) return { why: `${at}albArn is not a load balancer's ARN: ${arn}` }
    regions.add(match[1])
  }
  for (const key of ['issuer', 'clientId']) {
    if (key in entry && entry[key] === undefined) return { why: `${at}${key} is undefined: give a value, or null for no check` }
  }
  if (!('issuer' in entry)) return { why: `${at}issuer must be given (null for no check)` }
  if (entry.issuer !== null && typeof entry.issuer !== 'string') return { why: `${at}issuer must be a string or null` }
  if (entry.issuer === null && several) return { why: `${at}issuer must be given (not null) when a verifier has several issuers` }
  const clients = readClients(entry.clientId, at)
  if (clients.why) return clients
  let jwksUri = entry.jwksUri
  if (jwksUri === undefined) {
    if (regions.size > 1) return { why: `${at}albArn: load balancers of several regions need a jwksUri` }
    const [region] = regions
    jwksUri = `https://public-keys.auth.elb.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`
  }
  if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) return { why: `${at}jwksUri must be an http:// or https:// URL` }
  return {
    entry: { albArns: arns, issuer: entry.issuer, clientIds: clients.clientIds, jwksUri: jwksUri.replace(/\/+$/, ''), source: entry },
  }
}

/** clientId read: absent (undefined: each verification must give it), null (any), or a list. */
function readClients(clientId, at) {
  if (clientId === undefined || clientId === null) return { clientIds: clientId }
  const list = typeof clientId === 'string' ? [clientId] : clientId
  if (!Array.isArray(list) || !list.every((id) => typeof id === 'string'))
    return { why: `${at}clientId must be a string, a list of them, or null` }
  return { clientIds: list }
}

/** The token's header and payload, read without verifying (null when they are not JSON objects). */
function peek(token) {
  if (typeof token !== 'string') return null
  try {
    const [header, payload] = token.split('.', 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    return header && payload && typeof header === 'object' && typeof payload === 'object' ? { header, payload } : null
  } catch {
    return null
  }
}

class AlbJwtVerifier {
  #why
  #entries = []
  #inner
  #timeout
  #fetcher
  /** Keys by endpoint, then by kid (JWKs), the most recent last. */
  #keys = new Map()
  /** Fetches in flight, by key URL: every verification waiting for that key shares one. */
  #fetching = new Map()
  /** Key URLs the endpoint did not answer, until when they are not asked for again. */
  #missing = new Map()

  /** aws-jwt-verify's factory: one issuer's options, or a list of them, and `{ timeout, fetcher }` beside. */
  static create(options, settings) {
    return new AlbJwtVerifier(options, settings)
  }

  constructor(options, settings = {}) {
    const list = Array.isArray(options) ? options : [options]
    for (const [i, given] of list.entries()) {
      const { entry, why } = readEntry(given, list.length > 1 ? `[${i}].` : '', list.length > 1)
      if (why) {
        this.#why = why
        break
      }
      this.#entries.push(entry)
    }
    if (list.length === 0) this.#why = 'the ALB verifier needs at least one issuer'
    if (!this.#why && (settings === null || typeof settings !== 'object')) this.#why = "the ALB verifier's settings must be an object"
    const fetcher = settings?.fetcher
    if (!this.#why && fetcher !== undefined && typeof fetcher !== 'function')
      this.#why = 'fetcher must be a function: async (keyUrl) => PEM text'
    this.#fetcher = fetcher ?? fetchPem
    this.#timeout = Number.isFinite(settings?.timeout) ? settings.timeout : DEFAULT_TIMEOUT_MS
    const issuers = this.#entries.map(({ issuer, jwksUri, source }) => {
      const { albArn: _arn, clientId: _client, jwksUri: _uri, ...rest } = source
      return { ...rest, issuer, audience: null, jwksUri }
    })
    this.#inner = new Verifier(issuers.length ? issuers : [{}], { timeout: this.#timeout, [PADDED]: true })
  }

  /** The claims, or a coded Error thrown: needs the token's key fetched before (`verify` or `cacheJwks`). */
  verifySync(token, props) {
    const { entry, header, call } = this.#prepare(token, props)
    if (entry && !this.#keyOf(entry, header.kid)) {
      throw refusal('JwksNotAvailableInCacheError', `The load balancer's key ${header.kid} is not loaded yet: call verify() first`, 503)
    }
    return this.#checked(this.#inner.verifySync(token, call.inner), header, entry, call, token)
  }

  /** The claims; rejects with a coded Error. Fetches the token's key when it is not known. */
  async verify(token, props) {
    const { entry, header, call } = this.#prepare(token, props)
    if (entry && !this.#keyOf(entry, header.kid)) await this.#fetchKey(entry, header.kid)
    return this.#checked(await this.#inner.verify(token, call.inner), header, entry, call, token)
  }

  /** Keys given directly (a JWKS of keys with their kid), for the issuer named (needed when there are several). */
  cacheJwks(jwks, issuer) {
    if (this.#why) throw parameterError(this.#why)
    const entry = this.#entries.length === 1 && issuer === undefined ? this.#entries[0] : this.#entries.find((e) => e.issuer === issuer)
    if (!entry)
      throw parameterError(issuer === undefined ? 'issuer must be given when the verifier has several' : `issuer not configured: ${issuer}`)
    if (!jwks || !Array.isArray(jwks.keys) || !jwks.keys.every((jwk) => jwk && typeof jwk.kid === 'string')) {
      throw parameterError('jwks must be { keys: [...] }, each key with its kid')
    }
    for (const jwk of jwks.keys) this.#remember(entry, jwk)
  }

  /** The verification's own options read; the issuer entry and header of the token (none when unreadable). */
  #prepare(token, props) {
    if (this.#why) throw parameterError(this.#why)
    if (props !== undefined && (props === null || typeof props !== 'object'))
      throw parameterError("the verification's options must be an object")
    const { clientId, ...inner } = props ?? {}
    if (props && 'clientId' in props && clientId === undefined)
      throw parameterError('clientId is undefined: give a value, or null for no check')
    const clients = props && 'clientId' in props ? readClients(clientId, '') : null
    if (clients?.why) throw parameterError(clients.why)
    const call = { inner: props === undefined ? undefined : inner, clientIds: clients?.clientIds, includeRaw: props?.includeRawJwtInErrors }
    const seen = peek(token)
    if (!seen) return { call, header: {} }
    const { header, payload } = seen
    if (typeof header.kid !== 'string' || !UUID.test(header.kid)) {
      throw refusal('JwtWithoutValidKidError', "Invalid token: its header's kid is not a load balancer's key id", 401)
    }
    const entry = this.#entries.find((e) => e.issuer === null || e.issuer === payload.iss)
    return { entry, header, call }
  }

  /** The load balancer's own checks, after the signature, issuer and expiry were checked. */
  #checked(claims, header, entry, call, token) {
    const clientIds = call.clientIds !== undefined ? call.clientIds : entry?.clientIds
    let err = null
    if (!entry.albArns.includes(header.signer)) {
      err = refusal('AlbJwtInvalidSignerError', 'Invalid token: it was not signed by the load balancer (signer)', 401, {
        actual: header.signer,
        expected: entry.albArns,
      })
    } else if (clientIds === undefined) {
      throw parameterError('clientId must be given, at creation or by the verification, or null for no check')
    } else if (clientIds !== null && !clientIds.includes(header.client)) {
      err = refusal('AlbJwtInvalidClientIdError', 'Invalid token: it is not for the app client (client)', 401, {
        actual: header.client,
        expected: clientIds,
      })
    }
    if (!err) return claims
    if (call.includeRaw ?? entry.source.includeRawJwtInErrors) err.rawJwt = peek(token)
    throw err
  }

  #keyOf(entry, kid) {
    return this.#keys.get(entry.jwksUri)?.get(kid)
  }

  #remember(entry, jwk) {
    let keys = this.#keys.get(entry.jwksUri)
    if (!keys) this.#keys.set(entry.jwksUri, (keys = new Map()))
    keys.delete(jwk.kid)
    keys.set(jwk.kid, jwk)
    if (keys.size > KEYS_PER_ENDPOINT) keys.delete(keys.keys().next().value)
    // Every issuer behind this endpoint verifies with what it has given.
    const jwks = { keys: [...keys.values()] }
    for (const other of this.#entries) if (other.jwksUri === entry.jwksUri) this.#inner.cacheJwks(jwks, other.issuer ?? undefined)
  }

  /** One fetch of a key at a time; a kid the endpoint does not give is not asked for again for a while. */
  async #fetchKey(entry, kid) {
    const url = `${entry.jwksUri}/${encodeURIComponent(kid)}`
    const until = this.#missing.get(url)
    if (until > Date.now())
      throw refusal('WaitPeriodNotYetEndedJwkError', `The load balancer's key ${kid} was not found, and is not asked for again yet`, 401)
    let pending = this.#fetching.get(url)
    if (!pending) {
      pending = this.#loadKey(entry, kid, url).finally(() => this.#fetching.delete(url))
      this.#fetching.set(url, pending)
    }
    return pending
  }

  async #loadKey(entry, kid, url) {
    let pem
    try {
      let timer
      const timedOut = new Promise((resolve, reject) => (timer = setTimeout(() => reject(new Error('timed out')), this.#timeout)))
      pem = await Promise.race([this.#fetcher(url, this.#timeout), timedOut]).finally(() => clearTimeout(timer))
    } catch (err) {
      if (err?.status === 404 || err?.status === 403) this.#missing.set(url, Date.now() + MISSING_KID_WAIT_MS)
      throw refusal('FetchError', `Could not fetch the load balancer's key ${kid}`, 503)
    }
    let jwk
    try {
      jwk = crypto
        .createPublicKey(Buffer.isBuffer(pem) || pem instanceof ArrayBuffer ? Buffer.from(pem).toString() : String(pem))
        .export({ format: 'jwk' })
    } catch {
      throw refusal('JwkValidationError', `The load balancer's key ${kid} is not a PEM public key`, 503)
    }
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
      throw refusal('JwkValidationError', `The load balancer's key ${kid} is not a P-256 key`, 503)
    this.#remember(entry, { ...jwk, kid, alg: 'ES256', use: 'sig' })
  }
}

/** The built-in fetch of one key: its PEM text; an error with `status` for an HTTP error. */
async function fetchPem(url, timeout) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'error' })
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status })
  const text = await res.text()
  if (text.length > 16 * 1024) throw new Error('a key larger than any PEM key')
  return text
}

module.exports = { AlbJwtVerifier }
