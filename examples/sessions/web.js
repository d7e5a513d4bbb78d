'use strict'

// Sessions in a Web-standard handler (`Request` in, `Response` out), as a Next.js route handler,
// Hono or any fetch-style server writes them: the same routes as the Express example.

const { page } = require('./page.js')

function createHandler({ pool, sessions }) {
  const { web } = sessions
  const fail = (err) => Response.json({ code: err.code }, { status: err.statusCode ?? 500 })

  return async function handle(request) {
    const { pathname, searchParams } = new URL(request.url)
    try {
      if (request.method === 'GET' && pathname === '/') {
        const { session, setCookie } = await web.read(request)
        return web.withCookies(new Response(page(session), { headers: { 'content-type': 'text/html' } }), setCookie)
      }
      if (request.method === 'POST' && pathname === '/login') {
        const { username, password } = await request.json().catch(() => ({}))
        const result = await pool.login({ username, password })
        if (result.nextStep) return Response.json({ nextStep: result.nextStep }, { status: 409 })
        const { session, setCookie } = await web.start(request, result)
        return web.withCookies(Response.json({ username: session.username }), setCookie)
      }
      if (request.method === 'GET' && ['/me', '/profile', '/admin'].includes(pathname)) {
        const { session, setCookie, response } = await web.guard(request, pathname === '/admin' ? { groups: ['admins'] } : {})
        if (response) return response
        const { username, claims, idClaims, accessTokenExpiresAt } = session
        const body =
          pathname === '/me'
            ? { username, sub: claims.sub, email: idClaims?.email, accessTokenExpiresAt }
            : pathname === '/profile'
              ? await pool.profile({ ...session.auth })
              : { ok: true }
        return web.withCookies(Response.json(body), setCookie)
      }
      if (request.method === 'POST' && pathname === '/logout') {
        const { setCookie, ...ended } = await web.end(request, { global: searchParams.get('everywhere') === '1' })
        return web.withCookies(Response.json(ended), setCookie)
      }
      return new Response('not found', { status: 404 })
    } catch (err) {
      return fail(err)
    }
  }
}

module.exports = { createHandler }
