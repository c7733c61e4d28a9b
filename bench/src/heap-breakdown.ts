import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { writeHeapSnapshot } from 'node:v8'
import { Session } from 'node:inspector'
import { LegacyChatClient } from '@chatbridge/core'
import { Connection } from '@chatbridge/adapter'
import { startChildServer } from './child-server.js'

// `node --expose-gc bench/dist/heap-breakdown.js [chats]`: what one idle chatbridge chat keeps on
// the heap, by constructor. Heap snapshots before and after opening N chats (default 2,000) on a
// `Connection` against the scale benchmark's server, each chat subscribed and polled at 1 Hz for
// 3 s; self sizes summed by constructor, divided by N.

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[]] } }
  readonly nodes: readonly number[]
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

function bySizeOf(file: string): Map<string, { bytes: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  rmSync(file)
  const width = heap.snapshot.meta.node_fields.length
  const types = heap.snapshot.meta.node_types[0]
  const totals = new Map<string, { bytes: number; count: number }>()
  const where = new Map<number, string>()
  const locations = heap.locations ?? []
  for (let i = 0; byClosure && i < locations.length; i += 4) {
    where.set(locations[i] ?? 0, `${scripts.get(String(locations[i + 1])) ?? '?'}:${(locations[i + 2] ?? 0) + 1}`)
  }
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i] ?? 0] ?? '?'
    const name = heap.strings[heap.nodes[i + 1] ?? 0] ?? '?'
    const key = type === 'object' ? name : type === 'array' || type === 'hidden' || (byClosure && type === 'closure') ? `(${type}) ${name} ${where.get(i) ?? ''}` : `(${type})`
    const entry = totals.get(key) ?? { bytes: 0, count: 0 }
    entry.bytes += heap.nodes[i + 3] ?? 0
    entry.count += 1
    totals.set(key, entry)
  }
  return totals
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}

const chats = Number(process.argv[2] ?? '2000')
// `--closures`: closures by function name, to tell which per-chat functions are kept.
const byClosure = process.argv.includes('--closures')
const server = await startChildServer(new URL('./scale-server.js', import.meta.url), ['5000', '1000'])
try {
  collect()
  const before = bySizeOf(writeHeapSnapshot(join(tmpdir(), `chatbridge-before-${process.pid}.heapsnapshot`)))
  const client = new LegacyChatClient({ accountRoot: `http://127.0.0.1:${server.port}/api/account/12345678`, appKey: 'bench-app-key-0123456789abcdef', connections: 32 })
  const connection = new Connection(client, { chattingIntervalMs: 1000, waitingIntervalMs: 1000 }, { ownsClient: true })
  const ids: string[] = []
  for (let i = 0; i < chats; i += 64) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(64, chats - i) }, async () => (await connection.requestConversation({})).conversationId))))
  }
  const subscriptions = ids.map((id) => connection.messagingEvents$(id).subscribe(() => undefined))
  await sleep(3000)
  collect()
  const after = bySizeOf(writeHeapSnapshot(join(tmpdir(), `chatbridge-after-${process.pid}.heapsnapshot`)))
  const rows = [...after.entries()]
    .map(([name, { bytes, count }]) => ({ name, bytes: (bytes - (before.get(name)?.bytes ?? 0)) / chats, count: (count - (before.get(name)?.count ?? 0)) / chats }))
    .sort((a, b) => b.bytes - a.bytes)
  console.log(`heap per chat, ${chats} chats: ${rows.reduce((sum, row) => sum + row.bytes, 0).toFixed(0)} bytes`)
  console.log('  bytes  objects  constructor')
  for (const row of rows.slice(0, byClosure ? 150 : 30)) console.log(`${row.bytes.toFixed(0).padStart(7)}  ${row.count.toFixed(1).padStart(7)}  ${row.name}`)
  for (const subscription of subscriptions) subscription.unsubscribe()
  await connection.close()
} finally {
  await server.stop()
}
