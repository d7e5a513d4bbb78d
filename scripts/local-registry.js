'use strict'

// A read-only npm registry on 127.0.0.1 that serves a few packed tarballs, so that a test installs
// the package by name and npm resolves its optional per-platform dependencies exactly as it does
// from the public registry (platform filtering, integrity checks), with no path given by hand.

const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')

/**
 * Serve `packages`, each `{ manifest, file }` (a package.json object and its `npm pack` tarball).
 * Resolves `{ url, requests, close }`; `requests` lists the paths npm asked for.
 */
function serve(packages) {
  const tarballs = new Map()
  const packuments = new Map()
  const requests = []
  const server = http.createServer((req, res) => {
    requests.push(req.url)
    const name = decodeURIComponent(req.url.slice(1))
    if (packuments.has(name)) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(packuments.get(name)))
    }
    const tarball = tarballs.get(req.url)
    if (tarball) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      return fs.createReadStream(tarball).pipe(res)
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end('{"error":"not found"}')
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`
      for (const { manifest, file } of packages) {
        const bytes = fs.readFileSync(file)
        const route = `/-/tarballs/${path.basename(file)}`
        tarballs.set(route, file)
        const version = {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: {
            tarball: url + route,
            shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
          },
        }
        packuments.set(manifest.name, {
          name: manifest.name,
          'dist-tags': { latest: manifest.version },
          versions: { [manifest.version]: version },
        })
      }
      resolve({ url, requests, close: () => new Promise((done) => server.close(done)) })
    })
  })
}

module.exports = { serve }
