// `node bench/dist/scale-one.js CHATS [MODE] [--in-flight=N] [--idle-ms=N] [--trace] [--runs=R] [--no-spread]`: one contender of table 2c at one N, with where its late polls came from.
import { loadavg } from 'node:os'
import { runScaleChild, scaleCpuRows, scaleResult } from './scale-bench.js'
import type { ScaleMode, ScaleWindow } from './scale-client.js'
import { SCALE_DEFAULT_JOB } from './scale-default.js'
import { printTable } from './table.js'
import { lateness } from './scale-lateness.js'

// The server judges every poll by its gap after the previous poll of its chat; `--trace` adds the
// client's own view of chatbridge's polls (from its poll reports): when each request started (past
// the clock and the gate) and how long it took. A gap late at the server but on time at the start
// was late on the way (the HTTP pool, the sockets, the server); late at the start, it was late in
// the clock or the gate.
const args = process.argv.slice(2)
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const positional = args.filter((a) => !a.startsWith('--'))
const chats = Number(positional[0] ?? '10000')
const mode = (positional[1] ?? 'chatbridge') as ScaleMode
const inFlight = flag('in-flight')
// `--idle-ms=N`: the idle period before the windows (table 2c's 8 s lets 10,000 chats still catch up in them).
const idleMs = flag('idle-ms')
const runs = Number(flag('runs') ?? '1')
const job = {
  ...SCALE_DEFAULT_JOB,
  mode,
  chats,
  ...(inFlight === undefined ? {} : { maxPollsInFlight: Number(inFlight) }),
  ...(idleMs === undefined ? {} : { idleMs: Number(idleMs) }),
  ...(args.includes('--trace') ? { trace: true } : {}),
  // `--no-spread`: chatbridge with `idleSpread: false`, the schedule before the spread.
  ...(args.includes('--no-spread') ? { idleSpread: false } : {}),
}
for (let r = 0; r < runs; r += 1) {
  const load = loadavg()[0] ?? 0
  const run = await runScaleChild(job, [])
  const title = `${mode} × ${chats} idle chats, maxPollsInFlight ${inFlight ?? 'default'}${job.idleSpread === false ? ', idleSpread false' : ''} (load ${load.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after)`
  printTable(title, scaleCpuRows([scaleResult(run)]))
  const windows: readonly ScaleWindow[] = run.windows
  for (const line of lateness(windows, job.intervalMs)) console.log(line)
}
