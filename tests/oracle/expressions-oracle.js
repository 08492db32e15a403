'use strict'
// Conformance oracle for cachekit's expression engine (cachekit/expressions).
//
// Runs GitHub's own @actions/expressions (the lexer, parser and evaluator behind the
// Actions language services). Long-lived process: one JSON request per line on stdin,
// exactly one JSON response per line on stdout, strictly in order, until stdin ends.
//
// Request:
//   {"expr": "<expression>", "context": <value>, "status": "success"|"failure"|"cancelled"}
//   `context` must be an encoded object (see below); its keys are the context names, and
//   they are added to the names the parser accepts (github, env, ... are always accepted).
// Response:
//   {"value": <encoded>, "kind": "null|boolean|number|string|array|object",
//    "string": "<the result's coerceString()>", "error": null}
//   {"error": "<message>", "stage": "lex"|"parse"|"eval", "pos": {line, column}|null}
//
// Value transport. Plain JSON cannot carry everything the package can produce, so:
//   numbers NaN, Infinity, -Infinity and -0  ->  {"$num": "NaN"|"Infinity"|"-Infinity"|"-0"}
//   objects                                   ->  {"$obj": [[key, value], ...]}  (in order)
//   arrays, strings, booleans, null, other numbers: plain JSON.
// Objects are pairs so key order and case-duplicates survive the trip (a plain JS object
// would move integer-like keys first and treat "__proto__" specially).
//
// The package implements the expression functions except the runner's: success(),
// always(), failure() and cancelled() are supplied here from `status`; hashFiles() is not
// (it needs a workspace) and is therefore "Unrecognized function" to this oracle.

const readline = require('readline')

const CONTEXTS = [
  'github', 'runner', 'env', 'matrix', 'inputs', 'vars', 'secrets', 'steps', 'needs',
  'job', 'jobs', 'strategy'
]

function main(ex) {
  const { Lexer, Parser, Evaluator, data } = ex
  const KINDS = {
    [data.Kind.Null]: 'null',
    [data.Kind.Boolean]: 'boolean',
    [data.Kind.Number]: 'number',
    [data.Kind.String]: 'string',
    [data.Kind.Array]: 'array',
    [data.Kind.Dictionary]: 'object'
  }

  function decode(v) {
    if (v === null) return new data.Null()
    if (typeof v === 'boolean') return new data.BooleanData(v)
    if (typeof v === 'number') return new data.NumberData(v)
    if (typeof v === 'string') return new data.StringData(v)
    if (Array.isArray(v)) return new data.Array(...v.map(decode))
    if ('$num' in v) return new data.NumberData(v.$num === '-0' ? -0 : Number(v.$num))
    const d = new data.Dictionary()
    for (const [k, item] of v.$obj) d.add(k, decode(item))
    return d
  }

  function encodeNumber(n) {
    if (Number.isNaN(n)) return { $num: 'NaN' }
    if (n === Infinity) return { $num: 'Infinity' }
    if (n === -Infinity) return { $num: '-Infinity' }
    if (Object.is(n, -0)) return { $num: '-0' }
    return n
  }

  function encode(d) {
    switch (d.kind) {
      case data.Kind.Null: return null
      case data.Kind.Boolean: return d.value
      case data.Kind.Number: return encodeNumber(d.value)
      case data.Kind.String: return d.value
      case data.Kind.Array: return d.values().map(encode)
      case data.Kind.Dictionary: return { $obj: d.pairs().map(p => [p.key, encode(p.value)]) }
    }
    throw new Error(`cannot encode kind ${d.kind}`)
  }

  function statusFunctions(status) {
    const fn = (name, value) => ({
      name, description: name, minArgs: 0, maxArgs: 0,
      call: () => new data.BooleanData(value)
    })
    return [
      fn('success', status === 'success'),
      fn('always', true),
      fn('failure', status === 'failure'),
      fn('cancelled', status === 'cancelled')
    ]
  }

  function failure(err, stage) {
    const pos = err && err.pos ? err.pos : null
    return { error: String(err && err.message !== undefined ? err.message : err), stage, pos }
  }

  return function handle(req) {
    const context = decode(req.context || { $obj: [] })
    const names = [...CONTEXTS, ...context.pairs().map(p => p.key)]
    const funcs = statusFunctions(req.status || 'success')
    let tokens, tree, result
    try {
      tokens = new Lexer(req.expr).lex().tokens
    } catch (err) {
      return failure(err, 'lex')
    }
    try {
      tree = new Parser(tokens, names, funcs).parse()
    } catch (err) {
      return failure(err, 'parse')
    }
    try {
      // An empty expression parses to no tree at all; evaluating it throws, as it would
      // for any consumer of the package.
      result = new Evaluator(tree, context, new Map(funcs.map(f => [f.name, f]))).evaluate()
    } catch (err) {
      return failure(err, 'eval')
    }
    return {
      value: encode(result),
      kind: KINDS[result.kind],
      string: result.coerceString(),
      error: null
    }
  }
}

async function run() {
  const ex = await import('@actions/expressions') // ESM-only package
  const handle = main(ex)
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of rl) {
    if (!line.trim()) continue
    let response
    try {
      response = handle(JSON.parse(line))
    } catch (err) {
      response = { error: `oracle: ${err && err.stack ? err.stack : err}`, stage: 'oracle' }
    }
    process.stdout.write(JSON.stringify(response) + '\n')
  }
}

run().catch(err => {
  process.stderr.write(`expressions-oracle: fatal: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
