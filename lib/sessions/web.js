'use strict'

// Web-standard handlers (`Request` in, `Response` out: Next.js route handlers and middleware on
// the Node runtime, Hono, a plain `fetch` handler). Each function takes the Request and resolves
// the session with the Set-Cookie values to put on the Response (`withCookies` puts them there).

const { requirementsOf, judge, failure } = require('./guard.js')

const viewOf = (request) => ({
  cookie: request.headers.get('cookie') ?? undefined,
  host: request.headers.get('host') ?? new URL(request.url).host,
})

/** `response` with the Set-Cookie values appended (its headers must be mutable, as a new Response's are). */
function withCookies(response, setCookie) {
  for (const value of setCookie) response.headers.append('set-cookie', value)
  return response
}

const json = ({ status, body }) => Response.json(body, { status })

function web(sessions) {
  return {
    /** `{ session, setCookie }` for the request. */
    read: (request) => sessions.read(viewOf(request)),
    /** `{ session, setCookie }`: a new session from a login's tokens. */
    start: (request, tokens) => sessions.start(tokens, viewOf(request)),
    /** `{ ended, revoked, setCookie }`. */
    end: (request, options) => sessions.end(viewOf(request), options),
    withCookies,
    /**
     * `{ session, setCookie }` when the session meets the requirements, else `{ response }`: the
     * coded 401, 403 or 503 JSON Response to return as it is. Never rejects.
     */
    async guard(request, given) {
      const { requirements, error } = requirementsOf(given)
      if (error) return { response: json(failure(error)) }
      let read
      try {
        read = await sessions.read(viewOf(request))
      } catch (err) {
        return { response: json(failure(err)) }
      }
      const refused = judge(read.session, requirements)
      return refused ? { response: withCookies(json(refused), read.setCookie) } : read
    },
  }
}

module.exports = { web, withCookies }
