'use strict'

// What the verification benches share: each figure from a fresh process (a worker run of the same
// file), and the median and spread (min-max) of the rounds.

const { execFileSync } = require('node:child_process')
const os = require('node:os')

/** Runs `file --worker ...args` in a fresh process; its last stdout line, as JSON. */
function inFreshProcess(file, args) {
  const out = execFileSync(process.execPath, [file, '--worker', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(out.trim().split('\n').pop())
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`

/**
 * `count` calls of `fn(i)` measured after `warm` of them; awaited when `fn` answers with a
 * promise, else called in a plain loop (no microtask of the bench's own in the figure).
 */
async function timed(fn, warm, count) {
  const first = fn(0)
  const isAsync = first !== null && typeof first === 'object' && typeof first.then === 'function'
  if (isAsync) await first
  const loop = isAsync
    ? async (from, n) => {
        for (let i = from; i < from + n; i++) await fn(i)
      }
    : (from, n) => {
        for (let i = from; i < from + n; i++) fn(i)
      }
  await loop(1, warm - 1)
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  await loop(warm, count)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const used = process.cpuUsage(cpu)
  return { perSecond: count / seconds, cpuMicros: (used.user + used.system) / count }
}

/** The machine a figure was measured on, for the tables and the results JSON. */
const machine = () => ({
  cpu: os.cpus()[0].model.trim(),
  cores: os.cpus().length,
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
})

module.exports = { inFreshProcess, machine, median, spread, timed }
