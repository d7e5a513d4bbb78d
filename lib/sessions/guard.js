'use strict'

// What a guarded route requires of a session, read once, and the answer a guard gives when the
// session falls short: 401 without a session, 403 without a required scope or group, the error's
// own status (503) when the session could not be read. Every answer is a coded JSON body.

const { invalidParams } = require('../errors.js')

/** `{ scopes, groups }` read: each a list of strings, any one of which suffices (as the verifier's checks). */
function readRequirements(given = {}) {
  if (given === null || typeof given !== 'object') return { why: 'a guard takes { scopes?, groups? }' }
  const out = {}
  for (const key of ['scopes', 'groups']) {
    if (!(key in given)) continue
    const list = given[key]
    if (list === undefined) return { why: `${key} is undefined: give a list, or leave the option out for no ${key} check` }
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
      return { why: `${key} must be a non-empty list of strings` }
    }
    out[key] = list
  }
  return { requirements: out }
}

/** Null when the session meets the requirements; else the guard's answer `{ status, body }`. */
function judge(session, requirements) {
  if (!session) return { status: 401, body: { code: 'NotAuthenticated', message: 'Sign in first: this route needs a session' } }
  const { scopes, groups } = requirements
  if (scopes) {
    const held = typeof session.claims.scope === 'string' ? session.claims.scope.split(' ') : []
    if (!scopes.some((scope) => held.includes(scope))) return forbidden('scope', scopes)
  }
  if (groups) {
    const held = Array.isArray(session.claims['cognito:groups']) ? session.claims['cognito:groups'] : []
    if (!groups.some((group) => held.includes(group))) return forbidden('group', groups)
  }
  return null
}

const forbidden = (what, list) => ({
  status: 403,
  body: { code: 'Forbidden', message: `This route needs a session with one of the ${what}s: ${list.join(', ')}` },
})

/** The answer for an error met while reading the session (a store down: 503), never its stack. */
function failure(err) {
  const status = Number.isInteger(err?.statusCode) && err.statusCode >= 400 ? err.statusCode : 500
  return { status, body: { code: err?.code ?? 'InternalErrorException', message: err?.message ?? 'the session could not be read' } }
}

/** A guard's requirements, or the coded error a misconfigured guard answers every request with. */
function requirementsOf(given) {
  const { requirements, why } = readRequirements(given)
  return why ? { error: invalidParams(why) } : { requirements }
}

module.exports = { requirementsOf, judge, failure }
