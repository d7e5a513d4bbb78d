'use strict'

// `node bench/ab.js <build A> <build B> [rounds]`: the event loop during 64 concurrent logins, two
// builds of this package compared back to back against one server. A build is a directory holding
// index.js, binding.js and the .node file of one `npm run build` (copy them aside before building
// the other). Fresh processes alternate A, B, A, B... (`rounds` of each, default 10), each running
// 4 rounds of 64 concurrent logins with its own 1 ms monitor, so both builds meet the same moods of
// a shared machine. Reported per build: the p99's median and quartiles over all rounds, the
// intervals over 2 ms per 1,000, and the share of rounds whose p99 is at most 2 ms.

const path = require('node:path')
const { measure, withServer } = require('./setup.js')

function summary(batches) {
  const p99s = batches.map((b) => b.p99).sort((x, y) => x - y)
  const at = (q) => p99s[Math.floor(q * (p99s.length - 1))].toFixed(2)
  const over = batches.reduce((sum, b) => sum + b.over2ms, 0)
  const intervals = batches.reduce((sum, b) => sum + b.intervals, 0)
  return {
    rounds: batches.length,
    p99: `${at(0.5)} (quartiles ${at(0.25)}-${at(0.75)})`,
    over2msPer1000: ((1000 * over) / intervals).toFixed(1),
    p99AtMost2ms: `${Math.round((100 * p99s.filter((v) => v <= 2).length) / p99s.length)}%`,
  }
}

async function main() {
  const [a, b, rounds = '10'] = process.argv.slice(2)
  if (!a || !b) throw new Error('usage: node bench/ab.js <build A> <build B> [rounds]')
  const builds = [a, b].map((dir) => path.resolve(dir))
  await withServer(64, async ({ poolData, users, serverPriority }) => {
    const batches = builds.map(() => [])
    for (let r = 0; r < Number(rounds); r++) {
      builds.forEach((dir, i) => {
        batches[i].push(...measure(dir, 'eventLoopBatches', { poolData, users, concurrency: 64, batches: 4 }).batches)
      })
    }
    console.log(`server priority: ${serverPriority}`)
    builds.forEach((dir, i) => console.log(dir, JSON.stringify(summary(batches[i]))))
  })
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
