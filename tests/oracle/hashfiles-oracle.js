'use strict'
// Conformance oracle for cachekit's hashFiles() implementation.
//
// Long-lived process: reads one JSON request per line on stdin and writes
// exactly one JSON response per line on stdout, strictly sequentially, until
// stdin ends.
//
// Request:
//   {"cwd": "/abs/dir", "patterns": ["a", "b"], "follow": false,
//    "flavor": "runner" | "setup", "home": "/abs/home" | null}
// Response:
//   {"digest": "<hex>" | "", "files": ["/abs/path", ...], "error": null}
//   {"digest": null, "files": [], "error": "<message>"}          (on any throw)
//
// Flavours:
//   runner - the GitHub Actions runner's hashFiles() expression function
//            (actions/runner src/Misc/expressionFunc/hashFiles/src/hashFiles.ts),
//            bundled with @actions/glob 0.4.0 + minimatch 3.1.2. The loop below
//            mirrors that script line for line.
//   setup  - @actions/glob 0.7.0's exported hashFiles(), as called by
//            actions/setup-python v7 (and other setup-* actions). The digest
//            comes from the real library function; the file list comes from a
//            replica of its internal loop, cross-checked against that digest.
//
// Both libraries log through @actions/core, which writes `::debug::` lines
// straight to process.stdout. Stdout is muted while a request is processed so
// it carries nothing but response lines.

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')
const readline = require('readline')
const stream = require('stream')
const util = require('util')

const glob040 = require('@actions/glob') // 0.4.0, CommonJS

// @actions/glob 0.7.0 is ESM-only ("type": "module", exports has only an
// "import" condition), so it can only be loaded via dynamic import().
let glob070Promise = null
function loadGlob070() {
  if (!glob070Promise) glob070Promise = import('glob070')
  return glob070Promise
}

const pipeline = util.promisify(stream.pipeline)
const initialCwd = process.cwd()
const realStdoutWrite = process.stdout.write.bind(process.stdout)

/** sha256 of a file, streamed exactly as the runner does. */
async function fileDigest(file) {
  const hash = crypto.createHash('sha256')
  await pipeline(fs.createReadStream(file), hash)
  return hash.digest()
}

/**
 * The runner's loop. `workspace` is the prefix used for the "inside the
 * workspace" test; the runner uses process.cwd() (after the chdir this is the
 * physical path, symlinks in `cwd` resolved - same as the real runner, whose
 * node process is started with the workspace as working directory).
 */
async function hashLoop(globber, workspace) {
  const result = crypto.createHash('sha256')
  const files = []
  let hasMatch = false
  for await (const file of globber.globGenerator()) {
    if (!file.startsWith(`${workspace}${path.sep}`)) continue // outside workspace
    // statSync follows symlinks; a dangling link throws and fails the whole hash.
    if (fs.statSync(file).isDirectory()) continue
    // The runner writes into the Hash *stream* and then ends it (rather than
    // calling update()); keep the same mechanics.
    result.write(await fileDigest(file))
    files.push(file)
    hasMatch = true
  }
  result.end()
  return { digest: hasMatch ? result.digest('hex') : '', files }
}

async function runRunnerFlavor(req) {
  const globber = await glob040.create(req.patterns.join('\n'), {
    followSymbolicLinks: req.follow
  })
  return hashLoop(globber, process.cwd())
}

async function runSetupFlavor(req) {
  const glob070 = await loadGlob070()
  const patterns = req.patterns.join('\n')
  const options = { followSymbolicLinks: req.follow }
  // Authoritative digest from the library itself. With a non-empty
  // currentWorkspace, GITHUB_WORKSPACE / process.cwd() are not consulted for
  // the workspace prefix test (internal-hash-files.js).
  const digest = await glob070.hashFiles(patterns, req.cwd, options)

  // 0.7.0's hashFiles() does not expose the hashed files, so replay its loop
  // (internal-hash-files.js: same prefix test against currentWorkspace, same
  // statSync directory skip) to recover them, and check it agrees.
  const globber = await glob070.create(patterns, options)
  const replica = await hashLoop(globber, req.cwd)
  if (replica.digest !== digest) {
    throw new Error(
      `oracle self-check failed: @actions/glob 0.7.0 hashFiles() returned ` +
        `'${digest}' but the replicated loop computed '${replica.digest}'`
    )
  }
  return { digest, files: replica.files }
}

function validate(req) {
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    throw new Error('request must be a JSON object')
  }
  if (typeof req.cwd !== 'string' || !path.isAbsolute(req.cwd)) {
    throw new Error('request.cwd must be an absolute path')
  }
  if (!Array.isArray(req.patterns) || !req.patterns.every(p => typeof p === 'string')) {
    throw new Error('request.patterns must be an array of strings')
  }
  if (req.follow === undefined) req.follow = false
  if (typeof req.follow !== 'boolean') throw new Error('request.follow must be a boolean')
  if (req.flavor === undefined) req.flavor = 'runner'
  if (req.flavor !== 'runner' && req.flavor !== 'setup') {
    throw new Error(`unknown flavor '${req.flavor}'`)
  }
  if (req.home !== undefined && req.home !== null && typeof req.home !== 'string') {
    throw new Error('request.home must be a string or null')
  }
}

// {"op": "pattern", "cwd", "pattern", "paths", "implicit"}: match paths against one
// @actions/glob 0.4.0 Pattern (internal-pattern.js), the unit the runner's globber matches
// with, so the segment compiler can be tested on patterns no file tree would exercise.
function runPatternOp(req) {
  const { Pattern } = require('@actions/glob/lib/internal-pattern')
  process.chdir(req.cwd)
  let pattern = new Pattern(req.pattern)
  if (req.implicit) {
    pattern = new Pattern(pattern.negate, true, pattern.segments.concat('**'))
  }
  return {
    match: req.paths.map(p => pattern.match(p)),
    partial: req.paths.map(p => pattern.partialMatch(p)),
    searchPath: pattern.searchPath,
    negate: pattern.negate,
    error: null
  }
}

async function handle(line) {
  const savedHome = process.env.HOME
  let homeChanged = false
  // Mute stdout: @actions/core debug/info output must not reach the client.
  process.stdout.write = () => true
  try {
    const req = JSON.parse(line)
    if (req && req.op === 'pattern') return runPatternOp(req)
    validate(req)
    // Both @actions/glob versions resolve relative patterns against
    // process.cwd(), so the oracle has to actually change directory.
    process.chdir(req.cwd)
    if (typeof req.home === 'string') {
      // `~` expansion uses os.homedir(), which reads $HOME on POSIX.
      process.env.HOME = req.home
      homeChanged = true
    }
    const out = req.flavor === 'runner' ? await runRunnerFlavor(req) : await runSetupFlavor(req)
    return { digest: out.digest, files: out.files, error: null }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return { digest: null, files: [], error: message }
  } finally {
    if (homeChanged) {
      if (savedHome === undefined) delete process.env.HOME
      else process.env.HOME = savedHome
    }
    try {
      process.chdir(initialCwd)
    } catch {
      // initial directory vanished; harmless, the next request chdirs anyway
    }
    process.stdout.write = realStdoutWrite
  }
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of rl) {
    if (line.trim() === '') continue
    const response = await handle(line)
    // process.stdout writes to a pipe are synchronous on Linux (and ordered
    // everywhere), so each response is delivered before the next request runs.
    realStdoutWrite(`${JSON.stringify(response)}\n`)
  }
}

main().catch(err => {
  process.stderr.write(`hashfiles-oracle: fatal: ${err && err.stack ? err.stack : err}\n`)
  process.exit(2)
})
