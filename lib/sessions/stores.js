'use strict'

// Where sessions live when they do not live in the cookie. A store keeps sealed strings by
// session id and offers what the refresh needs to be single-flight across processes: a lock with
// an expiry and a compare-and-set write. Every method is async; the session core bounds each call
// by its deadline, so a store that hangs costs a request its deadline, never more.
//
//   get(id) -> string | null          set(id, value, ttlMs)          destroy(id)
//   replace(id, expected, value, ttlMs) -> boolean: written only if the stored value is `expected`
//   lock(id, ttlMs) -> token | null   unlock(id, token): released only by its holder

const crypto = require('node:crypto')

/** The embedded store of one process: bounded (the least recently used session goes first). */
function memoryStore({ max = 10_000 } = {}) {
  if (!Number.isInteger(max) || max < 1) return refusing('memoryStore: max must be a positive integer')
  const values = new Map()
  const locks = new Map()
  const live = (map, id) => {
    const entry = map.get(id)
    if (entry && entry.expires <= Date.now()) map.delete(id)
    return map.get(id)
  }
  const put = (id, value, ttlMs) => {
    values.delete(id)
    values.set(id, { value, expires: Date.now() + ttlMs })
    if (values.size > max) values.delete(values.keys().next().value)
  }
  return {
    kind: 'memory',
    async get(id) {
      const entry = live(values, id)
      if (!entry) return null
      values.delete(id)
      values.set(id, entry)
      return entry.value
    },
    async set(id, value, ttlMs) {
      put(id, value, ttlMs)
    },
    async replace(id, expected, value, ttlMs) {
      if (live(values, id)?.value !== expected) return false
      put(id, value, ttlMs)
      return true
    },
    async destroy(id) {
      values.delete(id)
    },
    async lock(id, ttlMs) {
      if (live(locks, id)) return null
      const token = crypto.randomUUID()
      locks.set(id, { value: token, expires: Date.now() + ttlMs })
      return token
    },
    async unlock(id, token) {
      if (live(locks, id)?.value === token) locks.delete(id)
    },
  }
}

// Compare-and-set and a checked release run as scripts, so that no other client's command comes
// between the check and the write.
const REPLACE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0"
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

/** How to send one raw command with the client given: node-redis (`sendCommand`) or ioredis (`call`). */
function commandOf(client) {
  if (client && typeof client.sendCommand === 'function' && typeof client.call !== 'function') {
    return (args) => client.sendCommand(args)
  }
  if (client && typeof client.call === 'function') return (args) => client.call(...args)
  return null
}

/**
 * A store in Redis, shared by every process of a fleet: sessions under `<prefix>s:<id>`, refresh
 * locks under `<prefix>l:<id>` (SET NX PX, released by a checked script). Values arrive sealed,
 * so a dump of Redis carries no token.
 */
function redisStore(client, { prefix = 'cognito-user-pool:' } = {}) {
  const send = commandOf(client)
  if (!send) return refusing('redisStore: give a client of `redis` (node-redis) or `ioredis`')
  if (typeof prefix !== 'string') return refusing('redisStore: prefix must be a string')
  const session = (id) => `${prefix}s:${id}`
  const lockKey = (id) => `${prefix}l:${id}`
  return {
    kind: 'redis',
    async get(id) {
      return (await send(['GET', session(id)])) ?? null
    },
    async set(id, value, ttlMs) {
      await send(['SET', session(id), value, 'PX', String(Math.ceil(ttlMs))])
    },
    async replace(id, expected, value, ttlMs) {
      return Number(await send(['EVAL', REPLACE, '1', session(id), expected, value, String(Math.ceil(ttlMs))])) === 1
    },
    async destroy(id) {
      await send(['DEL', session(id)])
    },
    async lock(id, ttlMs) {
      const token = crypto.randomUUID()
      const ok = await send(['SET', lockKey(id), token, 'PX', String(Math.ceil(ttlMs)), 'NX'])
      return ok === 'OK' ? token : null
    },
    async unlock(id, token) {
      await send(['EVAL', UNLOCK, '1', lockKey(id), token])
    },
  }
}

/**
 * A store made with bad options: never a throw at start-up; the sessions made with it refuse
 * every request with a coded error that says why (as a verifier with bad options does).
 */
function refusing(why) {
  const refuse = async () => {
    throw new TypeError(why)
  }
  return { kind: 'refusing', why, get: refuse, set: refuse, replace: refuse, destroy: refuse, lock: refuse, unlock: refuse }
}

const STORE_METHODS = ['get', 'set', 'replace', 'destroy', 'lock', 'unlock']

/** Whether `store` offers every method the core calls (a store of the caller's own is welcome). */
function isStore(store) {
  return store !== null && typeof store === 'object' && STORE_METHODS.every((name) => typeof store[name] === 'function')
}

module.exports = { memoryStore, redisStore, isStore, STORE_METHODS }
