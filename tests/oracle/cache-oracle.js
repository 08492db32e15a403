'use strict'
// Conformance oracle for cachekit.caches: GitHub's @actions/cache (and the npm
// packages around it) run by node.
//
// Long-lived process, like hashfiles-oracle.js: one JSON request per line on
// stdin, exactly one JSON response per line on stdout, strictly in order.
//
// Requests:
//   {"op": "version", "paths": [...], "compression": "gzip" | "zstd-without-long" | null,
//    "platform": "linux" | "win32" | "darwin", "enableCrossOsArchive": bool}
//     -> {"version": "<hex>"}
//     @actions/cache's getCacheVersion (lib/internal/cacheUtils.js). It reads
//     process.platform at call time to decide on 'windows-only', so the oracle
//     redefines process.platform for the duration of the call.
//   {"op": "multiline", "value": "..."}
//     -> {"lines": [...]}
//     actions/cache's getInputAsArray (src/utils/actionUtils.ts), which is not
//     published on npm: its three-line body is replicated below on top of the
//     real @actions/core getInput (the input is passed as INPUT_PATH, as the
//     runner does).
//   {"op": "keys", "key": "...", "restoreKeys": [...]}
//     -> {"error": null | "<ValidationError message>"}
//     @actions/cache's restoreCache key validation. The call is made with no
//     runtime token, so after validation the client construction throws and
//     restoreCache swallows it: nothing leaves the process.
//   {"op": "satisfies", "version": "...", "range": "..."}
//     -> {"result": bool}
//     npm's semver.satisfies, the one @actions/cache depends on.
// Any throw -> {"error": "<message>", "exception": true}.

const path = require('path')
const readline = require('readline')
const {pathToFileURL} = require('url')

const core = require('@actions/core')

const realStdoutWrite = process.stdout.write.bind(process.stdout)
const platformDescriptor = Object.getOwnPropertyDescriptor(process, 'platform')

// No cache service, no token: restoreCache can validate keys but never talk to anyone.
for (const name of [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL'
]) {
  delete process.env[name]
}
process.env.ACTIONS_CACHE_SERVICE_V2 = 'true'

// @actions/cache 6 is ESM-only and its exports map hides lib/internal (and
// package.json), so the modules are imported by file URL.
const cacheDir = path.join(__dirname, 'node_modules', '@actions', 'cache')
// The semver that @actions/cache itself resolves (7.x, CommonJS).
const semver = require(require.resolve('semver', {paths: [cacheDir]}))
let modules = null
function load() {
  if (!modules) {
    modules = Promise.all([
      import(pathToFileURL(path.join(cacheDir, 'lib', 'internal', 'cacheUtils.js')).href),
      import(pathToFileURL(path.join(cacheDir, 'lib', 'cache.js')).href)
    ])
  }
  return modules
}

async function version(req) {
  const [cacheUtils] = await load()
  Object.defineProperty(process, 'platform', {...platformDescriptor, value: req.platform})
  try {
    return {
      version: cacheUtils.getCacheVersion(
        req.paths,
        req.compression || undefined,
        req.enableCrossOsArchive
      )
    }
  } finally {
    Object.defineProperty(process, 'platform', platformDescriptor)
  }
}

// actions/cache src/utils/actionUtils.ts getInputAsArray, v3.0.9 onwards.
function getInputAsArray(name, options) {
  return core
    .getInput(name, options)
    .split('\n')
    .map(s => s.replace(/^!\s+/, '!').trim())
    .filter(x => x !== '')
}

function multiline(req) {
  process.env.INPUT_PATH = req.value
  try {
    return {lines: getInputAsArray('path')}
  } finally {
    delete process.env.INPUT_PATH
  }
}

async function keys(req) {
  const [, cache] = await load()
  try {
    await cache.restoreCache(['cachekit-oracle-path'], req.key, req.restoreKeys)
    return {error: null}
  } catch (err) {
    if (err && err.name === 'ValidationError') return {error: err.message}
    throw err
  }
}

async function handle(line) {
  process.stdout.write = () => true // @actions/core logs to stdout
  try {
    const req = JSON.parse(line)
    switch (req.op) {
      case 'version':
        return await version(req)
      case 'multiline':
        return multiline(req)
      case 'keys':
        return await keys(req)
      case 'satisfies':
        return {result: semver.satisfies(req.version, req.range)}
      default:
        throw new Error(`unknown op ${JSON.stringify(req.op)}`)
    }
  } catch (err) {
    return {error: err instanceof Error ? err.message : String(err), exception: true}
  } finally {
    process.stdout.write = realStdoutWrite
  }
}

async function main() {
  const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity})
  for await (const line of rl) {
    if (line.trim() === '') continue
    realStdoutWrite(`${JSON.stringify(await handle(line))}\n`)
  }
}

main().catch(err => {
  process.stderr.write(`cache-oracle: fatal: ${err && err.stack ? err.stack : err}\n`)
  process.exit(2)
})
