'use strict'

// Fastify: `app.register(sessions.fastify)` decorates every request with `request.session` (null
// without one), `request.startSession(tokens)` and `request.endSession({ global })`;
// `{ preHandler: sessions.fastifyGuard({ scopes, groups }) }` protects a route.

const { requirementsOf, judge, failure } = require('./guard.js')

const viewOf = (request) => ({ cookie: request.headers.cookie, host: request.headers.host })

function addCookies(reply, setCookie) {
  for (const value of setCookie) reply.header('set-cookie', value)
}

function plugin(sessions) {
  async function cognitoSessions(app) {
    app.decorateRequest('session', null)
    app.decorateRequest('startSession', null)
    app.decorateRequest('endSession', null)
    app.addHook('onRequest', async (request, reply) => {
      let read
      try {
        read = await sessions.read(viewOf(request))
      } catch (err) {
        const { status, body } = failure(err)
        return reply.code(status).send(body)
      }
      addCookies(reply, read.setCookie)
      request.session = read.session
      request.startSession = async (tokens) => {
        const started = await sessions.start(tokens, viewOf(request))
        addCookies(reply, started.setCookie)
        request.session = started.session
        return started.session
      }
      request.endSession = async (options) => {
        const ended = await sessions.end(viewOf(request), options)
        addCookies(reply, ended.setCookie)
        request.session = null
        return { ended: ended.ended, revoked: ended.revoked }
      }
    })
  }
  // What fastify-plugin sets: the decorations reach the routes of the app that registers it.
  cognitoSessions[Symbol.for('skip-override')] = true
  cognitoSessions[Symbol.for('fastify.display-name')] = 'cognito-user-pool-sessions'
  return cognitoSessions
}

function guard(given) {
  const { requirements, error } = requirementsOf(given)
  return async function cognitoSessionGuard(request, reply) {
    if (error) throw error
    const refused = judge(request.session, requirements)
    if (refused) return reply.code(refused.status).send(refused.body)
  }
}

module.exports = { plugin, guard }
