'use strict'

// An Express middleware that lets a request through only with a valid Cognito access token in its
// `Authorization: Bearer <token>` header, and puts the token's claims on `req.claims`. Refusals
// answer with the error's own status (401, or 503 when the pool's keys cannot be fetched) and code.
//
//   const { requireToken } = require('./express-auth')
//   app.get('/orders', requireToken({ userPoolId, clientId, scope: 'orders/read' }), handler)

const { createVerifier } = require('cognito-user-pool')

function requireToken({ userPoolId, clientId, scope = null, groups = null, jwksUri }) {
  const verifier = createVerifier({ userPoolId, clientId, tokenUse: 'access', scope, groups, jwksUri })
  // Fetch the keys at start-up, so that the first request does not wait for them.
  verifier.hydrate().catch(() => {})
  return async (req, res, next) => {
    const [scheme, token] = String(req.headers.authorization ?? '').split(' ')
    if (scheme !== 'Bearer' || !token) return res.status(401).json({ code: 'MissingBearerToken' })
    try {
      req.claims = await verifier.verify(token)
      next()
    } catch (err) {
      res.status(err.statusCode ?? 401).json({ code: err.code })
    }
  }
}

module.exports = { requireToken }
