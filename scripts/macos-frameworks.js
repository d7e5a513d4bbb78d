'use strict'

// Linking the macOS binaries on Linux. The addon links two Apple frameworks, Security and
// CoreFoundation (rustls-native-certs reads the keychain's roots through security-framework;
// iana-time-zone asks CoreFoundation), and no macOS SDK can be had here. A linker needs of a
// framework only a text stub (.tbd): its install name and the symbols it exports. This module
// writes such stubs, outside the clone, with the symbols the binary imports from each: a first
// link (with stubs that export nothing) leaves those symbols to a flat-namespace lookup, which
// `llvm-objdump` lists; they are added to the stub of the framework their name belongs to, and
// the binary is linked again, so that each binds to its framework by two-level namespace, as a
// build on a Mac binds it. Whether Apple's frameworks export them is proven only on a Mac (the
// release workflow); the names are those of Apple's public API that security-framework-sys and
// core-foundation-sys declare.

const fs = require('node:fs')
const path = require('node:path')
const { llvmTool } = require('./llvm-tools.js')

const CACHE = process.env.COGNITO_USER_POOL_CACHE || path.join(require('node:os').homedir(), '.cache', 'cognito-user-pool')
const STUBS = path.join(CACHE, 'macos-frameworks')

/** Each framework the addon may link, and the names of the symbols that are its. */
const FRAMEWORKS = {
  CoreFoundation: /^_(CF|kCF)/,
  Security: /^_(Sec|kSec|CMS|SSL|Authorization)/,
}

const stubFile = (framework) => path.join(STUBS, `${framework}.framework`, `${framework}.tbd`)

function readStub(framework) {
  try {
    const text = fs.readFileSync(stubFile(framework), 'utf8')
    return new Set(
      text
        .match(/symbols: +\[([^\]]*)\]/)[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
  } catch {
    return new Set()
  }
}

function writeStub(framework, symbols) {
  fs.mkdirSync(path.dirname(stubFile(framework)), { recursive: true })
  const list = [...symbols].sort()
  const text = `--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/System/Library/Frameworks/${framework}.framework/Versions/A/${framework}'
exports:
  - targets:         [ x86_64-macos, arm64-macos ]
    symbols:         [ ${list.length ? list.join(', ') : '_cognito_user_pool_stub'} ]
...
`
  fs.writeFileSync(stubFile(framework), text)
}

/** Writes the stubs that do not exist yet; returns the `-L framework=` flag that finds them. */
function ensureStubs() {
  for (const framework of Object.keys(FRAMEWORKS)) {
    if (!fs.existsSync(stubFile(framework))) writeStub(framework, [])
  }
  return `-L framework=${STUBS}`
}

/** The symbols `file` binds by flat-namespace lookup (every bind, lazy bind and weak bind table). */
function flatSymbols(file) {
  const symbols = new Set()
  for (const table of ['--bind', '--lazy-bind', '--weak-bind']) {
    for (const line of llvmTool('llvm-objdump', ['--macho', table, file]).split('\n')) {
      const fields = line.trim().split(/\s+/)
      if (fields.length >= 4 && fields.at(-2) === 'flat-namespace') symbols.add(fields.at(-1))
    }
  }
  return symbols
}

/**
 * Adds to the stubs the symbols `file` still looks up flat (N-API is not among them: the addon
 * finds it with dlsym when it loads, napi's `dyn-symbols`); true when a stub
 * changed, so the binary must be linked again. A symbol of no known framework is an error: a new
 * dependency links something these stubs do not cover.
 */
function learnFrom(file) {
  const missing = [...flatSymbols(file)]
  if (!missing.length) return false
  for (const [framework, names] of Object.entries(FRAMEWORKS)) {
    const mine = missing.filter((s) => names.test(s))
    if (mine.length) writeStub(framework, new Set([...readStub(framework), ...mine]))
  }
  const unknown = missing.filter((s) => !Object.values(FRAMEWORKS).some((names) => names.test(s)))
  if (unknown.length) throw new Error(`${path.basename(file)} looks up symbols of no known framework: ${unknown.slice(0, 10).join(', ')}`)
  return true
}

module.exports = { FRAMEWORKS, ensureStubs, flatSymbols, learnFrom }
