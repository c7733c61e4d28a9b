import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { writeHeapSnapshot } from 'node:v8'
import { Session } from 'node:inspector'
import { startChildServer } from './child-server.js'
import { type Contender, contenders, type Sink } from './scale-contenders.js'
import type { ScaleJob } from './scale-client.js'
import { messagingSockets } from './socket-contender.js'
import { gatewayConversations, type Population } from './gateway-contender.js'

// `node --expose-gc bench/dist/heap-breakdown.js [chats]`: what one idle chat keeps on the heap, by
// constructor, for four contenders in one run: the hand-written loop (the baseline), chatbridge's
// `Connection`, one Messaging socket per chat, and one gateway conversation per chat (a consumer, its
// `ws` socket and one conversation; the clients in a child process, so only the gateway's side
// counts). Heap snapshots before and after opening N chats (default 2,000) against the scale
// benchmark's server, each chat polled at 1 Hz for 3 s; self sizes summed by constructor, divided by N.
// The first snapshot is taken after N/10 warm-up chats (at least 50) were opened and polled alike, so
// the figure is what one more chat costs: compiled code and grown tables are not counted per chat.
// V8 still compiles (bytecode, optimized code, feedback, and the lists of code depending on each
// object shape) while the measured chats run: about 1 MB in all whatever N is (1.24 MB at 1,000
// chats, 1.05 MB at 3,000), so it is left out of the per-chat figure and printed on its own line; so
// is V8's number-to-string cache (see `v8CachesOf`).

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[]
      readonly node_types: readonly [readonly string[]]
      readonly edge_fields: readonly string[]
      readonly edge_types: readonly [readonly string[]]
    }
  }
  readonly nodes: readonly number[]
  readonly edges: readonly number[]
  readonly strings: readonly string[]
  /** Per closure: node index, script id, line, column (0-based). */
  readonly locations?: readonly number[]
}

// Script ids to file names, for `--closures` (a closure's location in the snapshot names its script by id).
const scripts = new Map<string, string>()
const inspector = new Session()
if (process.argv.includes('--closures')) inspector.connect()
inspector.on('Debugger.scriptParsed', (message) => scripts.set(message.params.scriptId, message.params.url.replace(/^.*\/(packages|node_modules)\//, '')))
if (process.argv.includes('--closures')) inspector.post('Debugger.enable')

function bySizeOf(file: string, keep = false): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  if (keep) console.log(`after snapshot kept: ${file}`)
  else rmSync(file)
  const width = heap.snapshot.meta.node_fields.length
  const types = heap.snapshot.meta.node_types[0]
  const totals = new Map<string, { bytes: number; count: number }>()
  const where = new Map<number, string>()
  const locations = heap.locations ?? []
  for (let i = 0; byClosure && i < locations.length; i += 4) {
    where.set(locations[i] ?? 0, `${scripts.get(String(locations[i + 1])) ?? '?'}:${(locations[i + 2] ?? 0) + 1}`)
  }
  const caches = v8CachesOf(heap)
  for (let i = 0; i < heap.nodes.length; i += width) {
    const cache = caches.get(i)
    if (cache !== undefined) {
      const entry = totals.get(cache) ?? { bytes: 0, count: 0 }
      totals.set(cache, { bytes: entry.bytes + (heap.nodes[i + 3] ?? 0), count: entry.count + 1 })
      continue
    }
    const type = types[heap.nodes[i] ?? 0] ?? '?'
    const name = heap.strings[heap.nodes[i + 1] ?? 0] ?? '?'
    const key = type === 'object' ? name : byString && type === 'string' ? `(string) ${JSON.stringify(name.slice(0, 60).replace(/\d+/g, "#"))}` : type === 'array' || type === 'hidden' || (byClosure && (type === 'closure' || type === 'code')) ? `(${type}) ${name} ${where.get(i) ?? ''}` : `(${type})`
    const entry = totals.get(key) ?? { bytes: 0, count: 0 }
    entry.bytes += heap.nodes[i + 3] ?? 0
    entry.count += 1
    totals.set(key, entry)
  }
  return totals
}

// V8's process-wide caches of a fixed most size, by node offset: the number-to-string cache grows
// once to 256 KB, on the first few thousand numbers turned to text whatever N is; in a round where
// it grows between the snapshots it would count as ~260 bytes a chat. With them, as compiled code:
// the lists of optimized code that depends on each object shape (`dependent_code`), which grow as
// V8 optimizes (40-90 KB between the snapshots, the same number of shapes before and after).
function v8CachesOf(heap: Snapshot): Map<number, string> {
  const { node_fields: nodeFields, edge_fields: edgeFields, edge_types: [edgeTypes] } = heap.snapshot.meta
  const width = nodeFields.length
  const edgeWidth = edgeFields.length
  const edgeCount = nodeFields.indexOf('edge_count')
  const caches = new Map<number, string>()
  for (let i = 0, edge = 0; i < heap.nodes.length; edge += (heap.nodes[i + edgeCount] ?? 0) * edgeWidth, i += width) {
    const roots = heap.strings[heap.nodes[i + 1] ?? 0] === '(Strong roots)'
    for (let e = edge; e < edge + (heap.nodes[i + edgeCount] ?? 0) * edgeWidth; e += edgeWidth) {
      const type = edgeTypes[heap.edges[e] ?? 0]
      if (type === 'element' || type === 'hidden') continue
      const name = heap.strings[heap.edges[e + 1] ?? 0]
      if (roots && name === 'number_string_cache') caches.set(heap.edges[e + 2] ?? 0, '(cache) number_string_cache')
      else if (name === 'dependent_code') caches.set(heap.edges[e + 2] ?? 0, '(code) dependent_code')
    }
  }
  return caches
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}

const chats = Number(process.argv[2] ?? '2000')
// Chats opened before the first snapshot (see `measure`).
const WARM_UP = Math.max(50, Math.round(chats / 10))
// `--closures`: closures by function name, to tell which per-chat functions are kept.
const byClosure = process.argv.includes('--closures')
// `--strings`: strings by their first characters, to tell which texts each chat keeps.
const byString = process.argv.includes('--strings')
// `--rows=N`: print N rows (default 30; 150 with `--closures` or `--strings`), e.g. to tell two rounds apart.
const rowsShown = ((rows) => (rows === undefined ? undefined : Number(rows)))(process.argv.find((arg) => arg.startsWith('--rows='))?.slice('--rows='.length))
// `--keep`: keep the after snapshot (its path is printed), e.g. to look at retainers in DevTools.
const keepSnapshot = process.argv.includes('--keep')
// `--mode=by-hand|connection|socket|gateway`: one contender only (default: all four, in this order).
const only = process.argv.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length)
const modes: Record<string, (root: string, job: ScaleJob, sink: Sink) => Promise<Population>> = {
  'by-hand': (root, job, sink) => Promise.resolve(opening(contenders['by-hand'](root, job, sink))),
  connection: (root, job, sink) => Promise.resolve(opening(contenders.chatbridge(root, job, sink))),
  socket: (root, job) => Promise.resolve(opening(messagingSockets(root, job))),
  // Made before the first snapshot: the gateway's own server, client and metrics are not per chat.
  gateway: gatewayConversations,
}

/** A contender's chats opened 64 at a time, then polling started spread over one interval, as for the scale benchmark. */
function opening(contender: Contender): Population {
  return {
    openAll: async (count) => {
      const handles: string[] = []
      for (let i = 0; i < count; i += 64) handles.push(...(await Promise.all(Array.from({ length: Math.min(64, count - i) }, () => contender.open()))))
      for (const [i, handle] of handles.entries()) setTimeout(() => contender.start(handle), (i * job.intervalMs) / count)
    },
    close: () => contender.close(),
  }
}
const RESULT = 'heap-breakdown result: '
const job: ScaleJob = { mode: 'chatbridge', chats, intervalMs: 1000, lineEveryMs: 5000, idleMs: 3000, windows: 0, windowMs: 0, connections: 32 }
const totals: { mode: string; bytes: number }[] = []
if (only === undefined) {
  // Each contender in a child process of its own: what one leaves behind (sockets, shapes, garbage
  // not yet collected) would otherwise count against the next one's baseline.
  const flags = process.argv.slice(3)
  for (const mode of Object.keys(modes)) {
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(chats), `--mode=${mode}`, ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 })
    const marker = out.lastIndexOf(RESULT)
    process.stdout.write(out.slice(0, marker))
    totals.push(JSON.parse(out.slice(marker + RESULT.length)) as { mode: string; bytes: number })
  }
} else {
  await measure(only)
}

async function measure(mode: string): Promise<void> {
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), [String(job.lineEveryMs), String(job.intervalMs)])
  try {
    const root = `http://127.0.0.1:${server.port}/api/account/12345678`
    const make = modes[mode]
    if (make === undefined) throw new Error(`--mode is one of ${Object.keys(modes).join(', ')}; got ${mode}`)
    const population = await make(root, job, { measuring: false, latencies: [], delivered: 0, errors: 0 })
    // A warm-up population first, polled as long as the measured one: the code V8 compiles and the
    // shapes and tables it grows on a contender's first chats are made once per process, not per chat.
    await population.openAll(WARM_UP)
    await sleep(job.intervalMs + job.idleMs)
    collect()
    const before = bySizeOf(writeHeapSnapshot(join(tmpdir(), `chatbridge-before-${process.pid}.heapsnapshot`)))
    await population.openAll(chats)
    await sleep(job.intervalMs + job.idleMs)
    collect()
    const after = bySizeOf(writeHeapSnapshot(join(tmpdir(), `chatbridge-after-${process.pid}.heapsnapshot`)), keepSnapshot)
    const grown = [...after.entries()]
      .map(([name, { bytes, count }]) => ({ name, bytes: (bytes - (before.get(name)?.bytes ?? 0)) / chats, count: (count - (before.get(name)?.count ?? 0)) / chats }))
      .sort((a, b) => b.bytes - a.bytes)
    const rows = grown.filter((row) => !row.name.startsWith('(code)') && !row.name.startsWith('(cache)'))
    const total = rows.reduce((sum, row) => sum + row.bytes, 0)
    const compiled = grown.reduce((sum, row) => sum + (row.name.startsWith('(code)') ? row.bytes * chats : 0), 0)
    const cached = grown.reduce((sum, row) => sum + (row.name.startsWith('(cache)') ? row.bytes * chats : 0), 0)
    console.log(`\n${mode}: heap per chat, ${chats} chats: ${total.toFixed(0)} bytes (load ${loadavg()[0]?.toFixed(2) ?? '?'})`)
    console.log(`  left out: code V8 compiled meanwhile, ${(compiled / 1024).toFixed(0)} KB in all (${(compiled / chats).toFixed(0)} bytes a chat if it were counted)`)
    console.log(`  left out: V8's number-to-string cache grown meanwhile, ${(cached / 1024).toFixed(0)} KB (${(cached / chats).toFixed(0)} bytes a chat if it were counted)`)
    console.log('  bytes  objects  constructor')
    for (const row of rows.slice(0, rowsShown ?? (byClosure || byString ? 150 : 30))) console.log(`${row.bytes.toFixed(0).padStart(7)}  ${row.count.toFixed(1).padStart(7)}  ${row.name}`)
    await population.close()
    console.log(`${RESULT}${JSON.stringify({ mode, bytes: total })}`)
  } finally {
    await server.stop()
  }
}

if (only === undefined) printTable()

function printTable(): void {
  const floor = totals.find((row) => row.mode === 'by-hand')?.bytes
  console.log(`\n| ${chats} idle chats | heap KB per chat | vs by hand |\n|---|---:|---:|`)
  for (const { mode, bytes } of totals) console.log(`| ${mode} | ${(bytes / 1024).toFixed(1)} | ${floor === undefined ? '' : `${(bytes / floor).toFixed(1)}x`} |`)
  console.log(`load: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
}
