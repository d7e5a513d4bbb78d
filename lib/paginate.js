'use strict'

// Every page of a list call as one async iterable of its items: `for await (const user of
// pool.paginate('listUsers', { filter }))`. Each page is one call of the method, with its own
// deadline (poolData's timeout) and the caller's `signal`; a `break` stops before the next page
// is asked for, and an abort ends the loop with the call's AbortError.

const { invalidParams } = require('./errors.js')

/** The list calls that page, and the field of their page that holds the items. */
const PAGED = {
  listUsers: 'users',
  listUsersInGroup: 'users',
  listGroups: 'groups',
  adminListDevices: 'devices',
  adminListUserAuthEvents: 'authEvents',
  listWebAuthnCredentials: 'credentials',
  listUserImportJobs: 'userImportJobs',
}

async function* paginate(pool, method, params = {}) {
  if (!Object.hasOwn(PAGED, method)) {
    throw invalidParams(`paginate takes one of the list calls: ${Object.keys(PAGED).join(', ')}`)
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw invalidParams('params must be an object')
  const { paginationToken: first, ...rest } = params
  let paginationToken = first
  do {
    const page = await pool[method](paginationToken === undefined || paginationToken === null ? rest : { ...rest, paginationToken })
    yield* page[PAGED[method]]
    paginationToken = page.paginationToken
  } while (paginationToken)
}

module.exports = { paginate, PAGED }
