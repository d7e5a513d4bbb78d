'use strict'

// Sessions in Fastify: the same routes as the Express example, through the plugin and a preHandler guard.

const Fastify = require('fastify')
const { page } = require('./page.js')

function createApp({ pool, sessions }) {
  const app = Fastify()
  app.register(sessions.fastify)

  app.get('/', async (request, reply) => reply.type('text/html').send(page(request.session)))

  app.post('/login', async (request, reply) => {
    const { username, password } = request.body ?? {}
    try {
      const result = await pool.login({ username, password })
      if (result.nextStep) return reply.code(409).send({ nextStep: result.nextStep })
      const session = await request.startSession(result)
      return { username: session.username }
    } catch (err) {
      return reply.code(err.statusCode ?? 500).send({ code: err.code })
    }
  })

  app.get('/me', { preHandler: sessions.fastifyGuard() }, async (request) => {
    const { username, claims, idClaims, accessTokenExpiresAt } = request.session
    return { username, sub: claims.sub, email: idClaims?.email, accessTokenExpiresAt }
  })

  app.get('/profile', { preHandler: sessions.fastifyGuard() }, async (request, reply) => {
    try {
      return await pool.profile({ ...request.session.auth })
    } catch (err) {
      return reply.code(err.statusCode ?? 500).send({ code: err.code })
    }
  })

  app.get('/admin', { preHandler: sessions.fastifyGuard({ groups: ['admins'] }) }, async () => ({ ok: true }))

  app.post('/logout', async (request) => request.endSession({ global: request.query.everywhere === '1' }))

  app.setErrorHandler((err, request, reply) => reply.code(err.statusCode ?? 500).send({ code: err.code }))
  return app
}

module.exports = { createApp }
