'use strict'

// The session cookie: its attributes (safe by default), reading it from a Cookie header, and
// writing it as Set-Cookie values, in chunks when a value outgrows one cookie (as Auth.js does:
// `name.0`, `name.1`, ...), clearing the chunks a shorter value no longer needs.

/** The most of a value one cookie carries, leaving room for the name and attributes in 4,096 bytes. */
const CHUNK_SIZE = 3800
/** More chunks than this is no session of ours: a request's cookies are bounded before any work. */
const MAX_CHUNKS = 8
const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' }
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i

/** The cookie option read, with its defaults; `{ why }` for a bad value. */
function readCookieOptions(given = {}, maxAge) {
  if (given === null || typeof given !== 'object') return { why: 'cookie must be an object' }
  const { name = 'session', path = '/', domain, sameSite = 'lax', secure = 'auto' } = given
  if (typeof name !== 'string' || !/^[A-Za-z0-9!#$%&'*+\-^_`|~]+$/.test(name))
    return { why: 'cookie.name must be a cookie name (letters, digits, -_)' }
  if (typeof path !== 'string' || !path.startsWith('/') || /[;\s]/.test(path)) return { why: 'cookie.path must be a path starting with /' }
  if (domain !== undefined && (typeof domain !== 'string' || !/^[A-Za-z0-9.-]+$/.test(domain)))
    return { why: 'cookie.domain must be a host name' }
  if (!Object.hasOwn(SAME_SITE, String(sameSite).toLowerCase())) return { why: "cookie.sameSite must be 'lax', 'strict' or 'none'" }
  if (secure !== true && secure !== false && secure !== 'auto')
    return { why: "cookie.secure must be true, false or 'auto' (Secure except on localhost)" }
  const site = SAME_SITE[String(sameSite).toLowerCase()]
  if (site === 'None' && secure === false) return { why: "cookie.sameSite 'none' needs a Secure cookie" }
  return { cookie: { name, path, domain, sameSite: site, secure, maxAge } }
}

/**
 * How the cookie is written for a request to `host`: Secure except on a loopback host when
 * `secure` is 'auto', and named with the `__Host-` prefix whenever the browser allows it (Secure,
 * path `/`, no domain), which keeps subdomains from setting or shadowing it.
 */
function cookieFor(options, host) {
  const secure = options.secure === 'auto' ? !LOOPBACK.test(String(host ?? '')) : options.secure
  const prefixed = secure && options.path === '/' && options.domain === undefined
  return { ...options, secure, name: prefixed ? `__Host-${options.name}` : options.name }
}

/** The request's cookies by name (the first of a repeated name, as browsers send the most specific first). */
function parseCookies(header) {
  const cookies = new Map()
  if (typeof header !== 'string' || header.length > 64 * 1024) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim())
  }
  return cookies
}

/** The value of the session cookie in `cookies`, reassembled from its chunks; null when absent. */
function readValue(cookies, name) {
  if (cookies.has(name)) return cookies.get(name)
  let value = ''
  for (let i = 0; cookies.has(`${name}.${i}`); i++) {
    if (i === MAX_CHUNKS) return null
    value += cookies.get(`${name}.${i}`)
  }
  return value || null
}

function serialize(cookie, name, value, maxAge) {
  let out = `${name}=${value}; Path=${cookie.path}; Max-Age=${maxAge}; HttpOnly; SameSite=${cookie.sameSite}`
  if (cookie.domain !== undefined) out += `; Domain=${cookie.domain}`
  if (cookie.secure) out += '; Secure'
  return out
}

/**
 * The Set-Cookie values that write `value` (null: clear the session) for a request that sent
 * `cookies`: one cookie, or chunks, and an expired cookie for every piece the request had that the
 * new value does not use.
 */
function writeValue(cookie, cookies, value, maxAge = cookie.maxAge) {
  const pieces = new Map()
  if (value !== null) {
    if (value.length <= CHUNK_SIZE) pieces.set(cookie.name, value)
    else
      for (let i = 0; i * CHUNK_SIZE < value.length; i++)
        pieces.set(`${cookie.name}.${i}`, value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE))
  }
  const out = [...pieces].map(([name, piece]) => serialize(cookie, name, piece, maxAge))
  for (const name of cookies.keys()) {
    const ours = name === cookie.name || (name.startsWith(`${cookie.name}.`) && /^\d+$/.test(name.slice(cookie.name.length + 1)))
    if (ours && !pieces.has(name)) out.push(serialize(cookie, name, '', 0))
  }
  return out
}

module.exports = { MAX_CHUNKS, CHUNK_SIZE, readCookieOptions, cookieFor, parseCookies, readValue, writeValue }
