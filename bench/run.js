'use strict'

// `npm run bench`: the same workloads, this package and the original cognito-user-pool@0.2.4 side
// by side in one run, against a local fakecloud. Prints a table, writes bench/results/latest.json
// and bench/results/chart.svg. Each figure comes from a fresh process (bench/worker.js).

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { measure, withServer } = require('./setup.js')

const QUICK = process.argv.includes('--quick')
const IMPLS = [
  { id: 'native', label: 'this package' },
  { id: 'original', label: 'original 0.2.4' },
]

/** The run with the median `key` of `times` fresh-process runs, with every run's figure kept. */
function medianOf(times, key, impl, workload, args) {
  const runs = Array.from({ length: times }, () => measure(impl, workload, args))
  runs.sort((x, y) => x[key] - y[key])
  return { ...runs[Math.floor(times / 2)], [`${key}Runs`]: runs.map((r) => r[key]) }
}

const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n))

function chart(results, machine) {
  const panels = [
    ['CPU per SRP login (ms)', (r) => r.loginCpu.cpuMsPerLogin],
    ['Event loop p99, 64 logins (ms)', (r) => r.eventLoop.p99],
    ['Logins/s at concurrency 16', (r) => r.loginRate[1].perSecond],
    ['profile calls/s at concurrency 16', (r) => r.profileRate[1].perSecond],
  ]
  const W = 220,
    H = 190,
    pad = 30
  const colors = ['#2b8a3e', '#c92a2a']
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H + 60}" font-family="sans-serif" font-size="12">`
  svg += `<rect width="100%" height="100%" fill="white"/>`
  panels.forEach(([title, pick], p) => {
    const values = IMPLS.map((impl) => pick(results[impl.id]))
    const max = Math.max(...values) || 1
    const x0 = p * W
    svg += `<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`
    values.forEach((v, i) => {
      const h = ((H - 2 * pad) * v) / max
      const x = x0 + 40 + i * 80
      const y = H - pad - h + 10
      svg += `<rect x="${x}" y="${y}" width="60" height="${h}" fill="${colors[i]}"/>`
      svg += `<text x="${x + 30}" y="${y - 4}" text-anchor="middle">${fmt(v, v < 10 ? 2 : 0)}</text>`
      svg += `<text x="${x + 30}" y="${H - pad + 26}" text-anchor="middle">${IMPLS[i].label}</text>`
    })
  })
  svg += `<text x="8" y="${H + 50}" fill="#555">${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}</text></svg>\n`
  return svg
}

async function main() {
  await withServer(64, async ({ poolData, users, serverPriority }) => {
    const n = QUICK ? { logins: 20, rate: 64, profiles: 2000, rss: 10000 } : { logins: 200, rate: 200, profiles: 10000, rss: 100000 }
    const results = {}
    for (const impl of IMPLS) {
      console.error(`measuring ${impl.label}...`)
      const args = { poolData, users }
      results[impl.id] = {
        firstCall: measure(impl.id, 'firstCall', args),
        // The two noisiest figures on a shared 2-core machine: the median of several runs.
        loginCpu: medianOf(impl.id === 'native' ? 5 : 1, 'cpuMsPerLogin', impl.id, 'loginCpu', { ...args, count: n.logins }),
        eventLoop: medianOf(impl.id === 'native' ? 5 : 1, 'p99', impl.id, 'eventLoop', { ...args, concurrency: 64 }),
        loginRate: [1, 16, 64].map((c) =>
          measure(impl.id, 'loginRate', { ...args, count: c === 1 ? Math.min(n.rate, 50) : n.rate, concurrency: c }),
        ),
        profileRate: [1, 16, 64].map((c) =>
          measure(impl.id, 'profileRate', { ...args, count: c === 1 ? n.profiles / 5 : n.profiles, concurrency: c }),
        ),
        rss: measure(impl.id, 'rss', { ...args, count: n.rss, step: n.rss / 10 }),
      }
    }
    const machine = {
      cpu: os.cpus()[0].model.trim(),
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      date: new Date().toISOString().slice(0, 10),
      serverPriority,
    }

    const [a, b] = IMPLS.map((i) => results[i.id])
    const rows = [
      ['CPU per SRP login (ms)', a.loginCpu.cpuMsPerLogin, b.loginCpu.cpuMsPerLogin],
      [
        'event loop p50 / p99 / max during 64 logins (ms)',
        `${fmt(a.eventLoop.p50)} / ${fmt(a.eventLoop.p99)} / ${fmt(a.eventLoop.max)}`,
        `${fmt(b.eventLoop.p50)} / ${fmt(b.eventLoop.p99)} / ${fmt(b.eventLoop.max)}`,
      ],
      ...[0, 1, 2].map((i) => [
        `logins/s at concurrency ${a.loginRate[i].concurrency} (p50 / p99 ms)`,
        `${fmt(a.loginRate[i].perSecond, 0)} (${fmt(a.loginRate[i].p50)} / ${fmt(a.loginRate[i].p99)})`,
        `${fmt(b.loginRate[i].perSecond, 0)} (${fmt(b.loginRate[i].p50)} / ${fmt(b.loginRate[i].p99)})`,
      ]),
      ...[0, 1, 2].map((i) => [
        `profile calls/s at concurrency ${a.profileRate[i].concurrency} (p50 / p99 ms)`,
        `${fmt(a.profileRate[i].perSecond, 0)} (${fmt(a.profileRate[i].p50, 2)} / ${fmt(a.profileRate[i].p99, 2)})`,
        `${fmt(b.profileRate[i].perSecond, 0)} (${fmt(b.profileRate[i].p50, 2)} / ${fmt(b.profileRate[i].p99, 2)})`,
      ]),
      ['client CPU per profile call (ms)', a.profileRate[1].cpuMsPerCall, b.profileRate[1].cpuMsPerCall],
      ['max connections to the server, 64 logins in flight', a.loginRate[2].maxConnections, b.loginRate[2].maxConnections],
      [
        `RSS before -> after ${a.rss.calls} profile calls (MiB)`,
        `${fmt(a.rss.rssBeforeMiB)} -> ${fmt(a.rss.rssAfterMiB)}`,
        `${fmt(b.rss.rssBeforeMiB)} -> ${fmt(b.rss.rssAfterMiB)}`,
      ],
      ['require to first completed call (ms)', a.firstCall.msToFirstCall, b.firstCall.msToFirstCall],
    ]
    const width = Math.max(...rows.map((r) => r[0].length))
    console.log(`\n${'workload'.padEnd(width)} | ${IMPLS[0].label.padEnd(24)} | ${IMPLS[1].label}`)
    console.log(`${'-'.repeat(width)}-|-${'-'.repeat(24)}-|-${'-'.repeat(24)}`)
    for (const [name, x, y] of rows) console.log(`${name.padEnd(width)} | ${fmt(x, 2).padEnd(24)} | ${fmt(y, 2)}`)
    console.log(
      `\nCPU per login: the original uses ${fmt(b.loginCpu.cpuMsPerLogin / a.loginCpu.cpuMsPerLogin, 0)}x more. Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; server priority: ${serverPriority}`,
    )
    console.log(
      `median of 5 runs (this package): CPU per login ${a.loginCpu.cpuMsPerLoginRuns.map((v) => fmt(v, 2)).join(', ')}; event loop p99 ${a.eventLoop.p99Runs.map((v) => fmt(v, 2)).join(', ')}`,
    )

    const dir = path.join(__dirname, 'results')
    fs.mkdirSync(dir, { recursive: true })
    const name = QUICK ? 'quick' : 'latest'
    fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ machine, quick: QUICK, results }, null, 2)}\n`)
    fs.writeFileSync(path.join(dir, `${name}.svg`), chart(results, machine))
    console.log(`wrote bench/results/${name}.json and bench/results/${name}.svg`)
  })
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
