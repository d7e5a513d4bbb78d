'use strict'

// Express and Connect (any Node `(req, res, next)` stack): `app.use(sessions.express())` puts
// the request's session on `req.session` (null without one), with `req.startSession(tokens)` and
// `req.endSession({ global })`; `sessions.guard({ scopes, groups })` protects a route.

const { requirementsOf, judge, failure } = require('./guard.js')

const viewOf = (req) => ({ cookie: req.headers.cookie, host: req.headers.host })

/** Adds Set-Cookie values to a Node response, beside any already set. */
function appendCookies(res, setCookie) {
  if (setCookie.length === 0) return
  const had = res.getHeader('set-cookie')
  res.setHeader('set-cookie', [...(had === undefined ? [] : Array.isArray(had) ? had : [String(had)]), ...setCookie])
}

function middleware(sessions) {
  return function cognitoSession(req, res, next) {
    sessions.read(viewOf(req)).then(
      ({ session, setCookie }) => {
        appendCookies(res, setCookie)
        req.session = session
        req.startSession = async (tokens) => {
          const started = await sessions.start(tokens, viewOf(req))
          appendCookies(res, started.setCookie)
          req.session = started.session
          return started.session
        }
        req.endSession = async (options) => {
          const ended = await sessions.end(viewOf(req), options)
          appendCookies(res, ended.setCookie)
          req.session = null
          return { ended: ended.ended, revoked: ended.revoked }
        }
        next()
      },
      (err) => next(err),
    )
  }
}

function send(res, { status, body }) {
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body))
}

function guard(sessions, given) {
  const { requirements, error } = requirementsOf(given)
  return function cognitoSessionGuard(req, res, next) {
    if (error) return next(error)
    const answer = (session) => {
      const refused = judge(session, requirements)
      return refused ? send(res, refused) : next()
    }
    // Behind the middleware the session is already read; alone, the guard reads it itself.
    if (req.session !== undefined && typeof req.startSession === 'function') return answer(req.session)
    sessions.read(viewOf(req)).then(
      ({ session, setCookie }) => {
        appendCookies(res, setCookie)
        req.session = session
        answer(session)
      },
      (err) => send(res, failure(err)),
    )
  }
}

module.exports = { middleware, guard, appendCookies }
