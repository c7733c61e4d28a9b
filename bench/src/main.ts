import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { decodeRows, runDecodeBench } from './decode-bench.js'
import { gatewayTables, runGatewayBench } from './gateway-bench.js'
import { runScaleBench, scaleCpuRows, scaleMemoryRows } from './scale-bench.js'
import { SCALE_DEFAULT_JOB, SCALE_DEFAULT_TITLE, runScaleDefault } from './scale-default.js'
import { printTable } from './table.js'
import { carryRows, runCarryBench } from './carry-bench.js'
import { failoverRows, runFailoverBench } from './failover-bench.js'
import { redisTables, runRedisBench } from './redis-bench.js'
import { runTransportBench, transportRows } from './transport-bench.js'
import { runWireBench, wireRows } from './wire-bench.js'

/**
 * `pnpm bench [--quick]`: every figure beside its baseline measured in the same run, as tables,
 * and as `bench/results.json`. `--only=decode,scale,scale-default,wire,transport,gateway,redis,failover,carry` runs some sections (for
 * profiling); the results file is written by a run of every section, or updated section by
 * section with `--only=… --merge`.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
  const wanted = (section: string): boolean => only === undefined || only.includes(section)
  const started = performance.now()
  const machine = {
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAtStart: loadavg()[0] ?? 0,
    quick,
    date: new Date().toISOString(),
  }
  console.log(`chatbridge benchmarks — Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, load ${machine.loadAtStart.toFixed(1)}${quick ? ', quick mode' : ''}`)
  const sections: Record<string, number> = {}
  let mark = performance.now()
  const lap = (section: string): void => {
    const now = performance.now()
    sections[section] = Math.round((now - mark) / 1000)
    mark = now
  }

  // Quick: no 100,000-event documents (through the engine they take ~10 s each, see the README).
  const both = ['json', 'xml'] as const
  const decodeCases = quick
    ? [10, 1000].map((events) => ({ events, formats: both, html: true }))
    : [...[10, 1000, 100_000].map((events) => ({ events, formats: both, html: true })), { events: 1000, formats: ['json'] as const, html: false }]
  const decode = wanted('decode')
    ? await runDecodeBench(decodeCases, (events) => (events >= 100_000 ? 2 : 3), quick ? 50 : 150, (events) => !quick && events <= 1000, quick)
    : []
  lap('decode')
  if (wanted('decode')) printTable('1. Decode and map: events per CPU-second, chatbridge vs just parsing the same bytes (median of runs)', decodeRows(decode))

  const scaleJob = { intervalMs: 1000, lineEveryMs: 5000, idleMs: 2000, windows: quick ? 2 : 3, windowMs: quick ? 2000 : 3000, connections: 32 }
  const scale = wanted('scale') ? await runScaleBench(quick ? [1000] : [100, 1000, 5000, 10_000], scaleJob) : []
  lap('scale')
  if (wanted('scale')) {
    printTable('2a. Scale: N chats chatting, each polled at 1 Hz, server in another process — client CPU and polls (median of windows)', scaleCpuRows(scale))
    printTable('2b. Scale: heap and RSS per idle chat, delivery latency of agent lines (server append → emission)', scaleMemoryRows(scale, scaleJob.intervalMs))
  }

  // 2c: idle chats at the default pacing (3.5 s each once stretched); the issue's target is here.
  const scaleDefault = wanted('scale-default') ? await runScaleDefault(quick ? [1000] : [1000, 5000, 10_000]) : []
  lap('scale-default')
  if (wanted('scale-default')) printTable(SCALE_DEFAULT_TITLE, scaleCpuRows(scaleDefault))

  const wire = wanted('wire') ? await runWireBench(quick ? 5 : 10) : []
  lap('wire')
  if (wanted('wire')) printTable('3. Cost on the wire: requests per chat-minute and per delivered message (engine on a virtual clock)', wireRows(wire))

  const transport = wanted('transport') ? await runTransportBench(quick ? 2000 : 10_000, quick ? 3 : 5) : []
  lap('transport')
  if (wanted('transport')) printTable('4. Transport: client CPU per poll of the chat resource, 32 in flight, server in another process', transportRows(transport))

  const gatewayJob = quick
    ? { idleSockets: 200, framesMs: 300, delaySamples: 20, burstConsumers: 200 }
    : { idleSockets: 5000, framesMs: 3000, delaySamples: 200, burstConsumers: 1000 }
  const gateway = wanted('gateway') ? await runGatewayBench(gatewayJob) : undefined
  lap('gateway')
  if (gateway !== undefined) for (const [title, rows] of gatewayTables(gateway)) printTable(title, rows)

  const redisJob = { chats: quick ? 200 : 1000, intervalMs: 1000, windows: 2, windowMs: quick ? 2000 : 4000 }
  const redis = wanted('redis') ? await runRedisBench(redisJob) : undefined
  lap('redis')
  if (redis !== undefined) for (const [title, rows] of redisTables(redis)) printTable(title, rows)
  const failoverJob = { kills: quick ? 5 : Number(process.env['CHATBRIDGE_BENCH_KILLS'] ?? 30), processes: 3, leaseTtlMs: 1600, pollMs: 400 }
  const failover = wanted('redis') || wanted('failover') ? await runFailoverBench(failoverJob) : undefined
  lap('failover')
  if (failover !== undefined) printTable('6c. Redis: failover time — kill (SIGKILL) of the holding gateway process → first GET of its chat by another process', failoverRows(failover))
  const carryJob = { sizes: quick ? [500] : (process.env['CHATBRIDGE_BENCH_CARRY'] ?? '500,1000,2000,4000').split(',').map(Number), processes: [1, 2], windowMs: 7000, warmupMs: Number(process.env['CHATBRIDGE_BENCH_WARMUP_MS'] ?? 10_000) }
  const carry = wanted('redis') || wanted('carry') ? await runCarryBench(carryJob) : undefined
  lap('carry')
  if (carry !== undefined) printTable('6d. Redis: idle chats carried at the default pacing (3.5 s ceiling), one process vs two sharing them through Redis', carryRows(carry))

  const seconds = (performance.now() - started) / 1000
  console.log(`\ntook ${seconds.toFixed(0)} s (${Object.entries(sections).map(([name, s]) => `${name} ${s} s`).join(', ')}); load at the end ${(loadavg()[0] ?? 0).toFixed(1)}`)
  const file = new URL('../results.json', import.meta.url)
  if (only === undefined) {
    const results = { machine: { ...machine, seconds, sections }, scaleConfig: scaleJob, decode, scale, scaleDefaultConfig: SCALE_DEFAULT_JOB, 'scale-default': scaleDefault, wire, transport, gatewayConfig: gatewayJob, gateway, redisConfig: redisJob, redis, failover, carry }
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
    console.log('written: bench/results.json')
  } else if (process.argv.includes('--merge')) {
    // A section run again (e.g. when others loaded the machine during the full run) replaces its
    // figures in the results file; `rerun` says when and on what load. Baselines stay in the same run.
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    const ran: Record<string, unknown> = { decode, scale, 'scale-default': scaleDefault, wire, transport, gateway, redis, failover, carry }
    const rerun = { ...(previous['rerun'] as Record<string, unknown> | undefined) }
    for (const section of only) {
      if (!(section in ran)) continue
      previous[section] = ran[section]
      rerun[section] = { ...machine, seconds: sections[section] }
    }
    writeFileSync(file, `${JSON.stringify({ ...previous, rerun }, null, 2)}\n`)
    console.log(`merged into bench/results.json: ${only.join(', ')}`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
