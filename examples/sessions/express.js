'use strict'

// Sessions in Express: sign in on the server (the browser never sees a token), keep the user
// signed in across access-token expiry, act as the user, sign out everywhere.
//
//   const app = createApp({ pool, sessions })   // sessions = pool.sessions({ secrets, store })

const express = require('express')
const { page } = require('./page.js')

function createApp({ pool, sessions }) {
  const app = express()
  app.use(express.json())
  app.use(sessions.express())

  app.get('/', (req, res) => res.type('html').send(page(req.session)))

  app.post('/login', async (req, res) => {
    const { username, password } = req.body ?? {}
    try {
      const result = await pool.login({ username, password })
      if (result.nextStep) return res.status(409).json({ nextStep: result.nextStep })
      const session = await req.startSession(result)
      res.json({ username: session.username })
    } catch (err) {
      res.status(err.statusCode ?? 500).json({ code: err.code })
    }
  })

  app.get('/me', sessions.guard(), (req, res) => {
    const { username, claims, idClaims, accessTokenExpiresAt } = req.session
    res.json({ username, sub: claims.sub, email: idClaims?.email, accessTokenExpiresAt })
  })

  // Acting as the user: the session's auth goes into any method of the pool.
  app.get('/profile', sessions.guard(), async (req, res) => {
    try {
      res.json(await pool.profile({ ...req.session.auth }))
    } catch (err) {
      res.status(err.statusCode ?? 500).json({ code: err.code })
    }
  })

  app.get('/admin', sessions.guard({ groups: ['admins'] }), (req, res) => res.json({ ok: true }))

  app.post('/logout', async (req, res) => {
    res.json(await req.endSession({ global: req.query.everywhere === '1' }))
  })

  // A store that is down answers 503 with its code, as the guard does.
  app.use((err, req, res, _next) => res.status(err.statusCode ?? 500).json({ code: err.code }))
  return app
}

module.exports = { createApp }

if (require.main === module) {
  const cognitoUserPool = require('cognito-user-pool')
  const pool = cognitoUserPool({
    UserPoolId: process.env.USER_POOL_ID,
    ClientId: process.env.CLIENT_ID,
    endpoint: process.env.COGNITO_ENDPOINT,
  })
  const sessions = pool.sessions({ secrets: process.env.SESSION_SECRETS?.split(',') })
  const port = Number(process.env.PORT ?? 3000)
  createApp({ pool, sessions }).listen(port, '127.0.0.1', () => console.log(`http://127.0.0.1:${port}`))
}
