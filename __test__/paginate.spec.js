'use strict'

// Paginators: every item of a list call, page after page, against fakecloud, counted on the wire
// through the recording proxy: across page boundaries, stopping at `break` before the next page,
// ending with the call's AbortError when the signal fires between pages.

const test = require('ava')
const cognitoUserPool = require('..')
const { createPool, recordingProxy, unique } = require('./helpers')

test.before(async (t) => {
  t.context.poolData = await createPool()
  const pool = cognitoUserPool(t.context.poolData)
  t.context.prefix = unique('page')
  t.context.users = []
  for (let i = 0; i < 7; i++) {
    const username = `${t.context.prefix}-${i}`
    await pool.adminCreateUser({ username, temporaryPassword: 'Temp-Pass-123!', suppressMessage: true })
    t.context.users.push(username)
  }
})

async function proxied(t) {
  const proxy = await recordingProxy()
  t.teardown(() => proxy.close())
  return { proxy, pool: cognitoUserPool({ ...t.context.poolData, endpoint: proxy.url }) }
}
const pages = (proxy) => proxy.operations.filter((op) => op === 'ListUsers').length

test('every user, two a page: seven users in four calls, each page token passed on', async (t) => {
  const { proxy, pool } = await proxied(t)
  const seen = []
  for await (const user of pool.paginate('listUsers', { limit: 2 })) seen.push(user.username)
  t.deepEqual(seen.sort(), [...t.context.users].sort())
  t.is(pages(proxy), 4)
  const tokens = proxy.bodies.map((b) => JSON.parse(b).PaginationToken)
  t.is(tokens[0], undefined)
  t.true(tokens.slice(1).every((token) => typeof token === 'string' && token.length > 0))
})

test('break stops before the next page is asked for', async (t) => {
  const { proxy, pool } = await proxied(t)
  const seen = []
  for await (const user of pool.paginate('listUsers', { limit: 2 })) {
    seen.push(user.username)
    if (seen.length === 3) break
  }
  t.is(seen.length, 3)
  t.is(pages(proxy), 2, 'the page of the third user, and none after')
})

test('an abort between pages ends the loop with the AbortError; no page is asked for after it', async (t) => {
  const { proxy, pool } = await proxied(t)
  const controller = new AbortController()
  const seen = []
  const err = await t.throwsAsync(async () => {
    for await (const user of pool.paginate('listUsers', { limit: 2, signal: controller.signal })) {
      seen.push(user.username)
      if (seen.length === 2) controller.abort()
    }
  })
  t.is(err.code, 'AbortError')
  t.false(err.mayHaveReachedCognito)
  t.is(pages(proxy), 1)
})

test('groups and their members page the same way; a method that does not page, or bad params, reject with a coded error', async (t) => {
  const pool = cognitoUserPool(t.context.poolData)
  const group = unique('group')
  await pool.createGroup({ groupName: group })
  for (const username of t.context.users) await pool.adminAddUserToGroup({ username, groupName: group })
  const members = []
  for await (const user of pool.paginate('listUsersInGroup', { groupName: group, limit: 3 })) members.push(user.username)
  t.deepEqual(members.sort(), [...t.context.users].sort())
  const groups = []
  for await (const g of pool.paginate('listGroups', { limit: 1 })) groups.push(g.groupName)
  t.true(groups.includes(group))
  for (const [method, params] of [
    ['adminGetUser', { username: 'x' }],
    ['nope', {}],
    ['listUsers', 'params'],
    ['listUsersInGroup', {}],
  ]) {
    const err = await t.throwsAsync(async () => {
      for await (const _ of pool.paginate(method, params)) void _
    })
    t.is(err.code, 'InvalidParameterException', method)
    t.is(err.statusCode, 400)
  }
})
