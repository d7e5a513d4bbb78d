'use strict'

// Reading what the caller passes, as the original read it: params property by property (getters
// and inherited properties count), poolData key by key, and poolData's hooks. What JSON cannot
// carry travels as a marker the native side refuses by name.

const { paramNames } = require('./native.js')

const POOL_DATA_KEYS = ['UserPoolId', 'ClientId', 'ClientSecret', 'endpoint', 'AuthFlow', 'timeout', 'jwksUrl', 'clientMetadata', 'domain']

const PARAM_NAMES = paramNames()
/** The key of the marker that stands for a value JSON cannot carry; the native side refuses it by name. */
const INVALID = '\u0000invalid'
/** The key under which the names of params given as `undefined` travel: where a method needs a value or an explicit null, undefined is a mistake it refuses by name. */
const UNDEFINED = '\u0000undefined'
/** Deeper than any param a method reads (attribute lists are two levels down). */
const MAX_DEPTH = 6
/** Far more items than any list a method reads (Cognito allows some 75 attributes a user). */
const MAX_ITEMS = 1000

const invalid = (what) => ({ [INVALID]: what })

/** What `Object.prototype.toString` calls objects that are values, not param objects. */
const EXOTIC = {
  Date: 'a Date',
  Map: 'a Map',
  Set: 'a Set',
  WeakMap: 'a WeakMap',
  WeakSet: 'a WeakSet',
  RegExp: 'a RegExp',
  Promise: 'a Promise',
  Error: 'an Error',
  ArrayBuffer: 'an ArrayBuffer',
  SharedArrayBuffer: 'a SharedArrayBuffer',
  DataView: 'a DataView',
  String: 'a String object',
  Number: 'a Number object',
  Boolean: 'a Boolean object',
}

/** The properties a nested object offers: enumerable own and inherited ones, and getters of its class. */
function propertyNames(object) {
  const names = new Set()
  for (const name in object) names.add(name)
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (descriptor.get) names.add(name)
    }
  }
  return names
}

/** One value read as the original read it (getters run, inherited properties count), as JSON can carry it. */
function readValue(value, depth, seen) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value
    case 'number':
      return Number.isFinite(value) ? value : invalid(String(value))
    case 'bigint':
      return invalid('a BigInt')
    case 'symbol':
      return invalid('a Symbol')
    case 'function':
      return invalid('a function')
  }
  if (value === null) return null
  let pushed = false
  try {
    if (seen.includes(value)) return invalid('a circular structure')
    if (depth >= MAX_DEPTH) return invalid('nested this deeply')
    const tag = Object.prototype.toString.call(value).slice(8, -1)
    if (EXOTIC[tag] || ArrayBuffer.isView(value)) return invalid(EXOTIC[tag] || `a ${tag}`)
    pushed = seen.push(value) > 0
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) return invalid(`an array of more than ${MAX_ITEMS} items`)
      const items = []
      for (let i = 0; i < value.length; i++) items.push(readProperty(value, i, depth + 1, seen) ?? null)
      return items
    }
    const object = {}
    for (const name of propertyNames(value)) {
      const read = readProperty(value, name, depth + 1, seen)
      if (read !== undefined) object[name] = read
    }
    return object
  } catch {
    return invalid('a value that could not be read')
  } finally {
    if (pushed) seen.pop()
  }
}

function readProperty(object, name, depth, seen) {
  let value
  try {
    value = object[name]
  } catch {
    return invalid('read: its getter threw')
  }
  return readValue(value, depth, seen)
}

/** The params a method reads, by name, as JSON; `undefined` when `params` is not an object at all. */
function readParams(params) {
  let isArray
  try {
    isArray = Array.isArray(params)
  } catch {
    return { json: undefined, why: 'params could not be read (a revoked Proxy?)' }
  }
  if (typeof params !== 'object' || params === null || isArray) return { json: undefined, why: 'params must be an object' }
  const read = {}
  const undefinedNames = []
  for (const name of PARAM_NAMES) {
    const value = readProperty(params, name, 1, [params])
    if (value !== undefined) read[name] = value
    else if (isPresent(params, name)) undefinedNames.push(name)
  }
  if (undefinedNames.length > 0) read[UNDEFINED] = undefinedNames
  return { json: JSON.stringify(read) }
}

/** Whether `object` has a property `name` (own or inherited), even one whose value is undefined. */
function isPresent(object, name) {
  try {
    return name in object
  } catch {
    return false
  }
}

/** poolData's `onTokens(tokens, { username })`, or why it is not a function. */
function readHooks(poolData) {
  let onTokens
  try {
    onTokens = poolData !== null && typeof poolData === 'object' ? poolData.onTokens : undefined
  } catch {
    return { why: 'poolData.onTokens could not be read' }
  }
  if (onTokens === undefined || onTokens === null) return {}
  if (typeof onTokens !== 'function') return { why: 'poolData.onTokens must be a function' }
  return { onTokens }
}

/** poolData, read key by key; `'null'` when it is not an object or cannot be read. */
function readPoolData(poolData) {
  try {
    if (poolData === null || typeof poolData !== 'object') return 'null'
    return JSON.stringify(Object.fromEntries(POOL_DATA_KEYS.map((key) => [key, poolData[key]])), (_key, v) =>
      typeof v === 'bigint' ? String(v) : v,
    )
  } catch {
    // A getter that throws: poolData is unreadable, which the first call reports.
    return 'null'
  }
}

module.exports = { readParams, readHooks, readPoolData }
