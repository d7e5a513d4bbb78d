'use strict'

// Sealing: what the session layer hands a browser or a store is encrypted and authenticated
// (AES-256-GCM) under the deployment's secrets. The first secret seals; every secret unseals, so a
// deployment rotates its secret by putting the new one first and dropping the old one later,
// without signing anyone out. Each seal names (by a hash) the key that made it, and is bound to its
// purpose: a sealed session id is never accepted as a sealed session, nor the reverse.

const crypto = require('node:crypto')

const MIN_SECRET_LENGTH = 32
const VERSION = 's1'
const IV_BYTES = 12
const TAG_BYTES = 16

/** A key per secret, derived with HKDF so that the secret itself never meets the cipher. */
function deriveKey(secret) {
  const key = Buffer.from(crypto.hkdfSync('sha256', secret, 'cognito-user-pool/sessions', 'seal v1', 32))
  const id = crypto.createHash('sha256').update(key).digest('base64url').slice(0, 8)
  return { id, key }
}

/**
 * The secrets option read: a string or a non-empty list of strings of at least 32 characters.
 * Returns `{ keys }` or `{ why }` (the caller turns `why` into its coded error).
 */
function readSecrets(secrets) {
  const list = typeof secrets === 'string' ? [secrets] : secrets
  if (!Array.isArray(list) || list.length === 0) {
    return { why: 'secrets must be a string or a non-empty list of strings (the first seals, all unseal)' }
  }
  for (const [i, secret] of list.entries()) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      return { why: `secrets[${i}] must be a string of at least ${MIN_SECRET_LENGTH} characters` }
    }
  }
  return { keys: list.map(deriveKey) }
}

/** `text` sealed for `purpose` under the first key. */
function seal(keys, purpose, text) {
  const { id, key } = keys[0]
  const iv = crypto.randomBytes(IV_BYTES)
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(purpose))
  const body = Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${VERSION}.${id}.${body.toString('base64url')}`
}

/** The text sealed for `purpose` under one of the keys, or null for anything else (never a throw). */
function unseal(keys, purpose, sealed) {
  if (typeof sealed !== 'string') return null
  const [version, id, body, extra] = sealed.split('.')
  if (version !== VERSION || extra !== undefined || !body) return null
  const found = keys.find((key) => key.id === id)
  if (!found) return null
  const bytes = Buffer.from(body, 'base64url')
  if (bytes.length < IV_BYTES + TAG_BYTES) return null
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', found.key, bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(purpose))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

module.exports = { readSecrets, seal, unseal }
