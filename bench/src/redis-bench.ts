import { type ChildProcess, fork } from 'node:child_process'
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { createStoreClient } from '@chatbridge/redis'
import { startChildServer } from './child-server.js'
import { fmt, percent } from './measure.js'
import { type RedisCounters, countersDelta, monitorRedis, parseCounters, startBenchRedis } from './redis-server.js'
import type { RedisWorkerJob } from './redis-worker.js'

// The Redis section: a `Connection` on `RedisConversationStore` (leases from `ChatLeases`) beside
// the same Connection on the memory store, same scenario, same run, against the testing server in
// its own process. Redis commands are the real server's `INFO commandstats` deltas.

/** Sizes of one run of the section. */
export interface RedisBenchJob {
  readonly chats: number
  readonly intervalMs: number
  readonly windows: number
  readonly windowMs: number
}

/** One phase (idle, visitor lines, busy) of one contender, summed over its windows. */
export interface RedisPhase {
  readonly seconds: number
  readonly polls: number
  readonly due: number
  readonly onTime: number
  readonly clientCpuMicros: number
  readonly delivered: number
  readonly linesSent: number
  /** Commands clients sent (MONITOR): one round trip each, a script call counting once. */
  readonly roundTrips: number
  readonly roundTripsByCommand: Record<string, number>
  /** Commands executed, those inside Lua scripts included (INFO commandstats). */
  readonly redisCommands: number
  readonly redisByCommand: Record<string, number>
  /** Commands MONITOR saw run inside Lua scripts, by name: beside commandstats, the same thing counted twice. */
  readonly luaByCommand: Record<string, number>
  readonly redisCpuSeconds: number
  readonly load: number
}

/** A contender: store × processes, at `chats` in all. */
export interface RedisRun {
  readonly store: 'memory' | 'redis'
  readonly processes: number
  readonly chats: number
  readonly idle: RedisPhase
  readonly say: RedisPhase
  readonly busy: RedisPhase
  readonly errors: number
}

const APP_KEY = 'bench-app-key-0123456789abcdef'
const CHAT_TIMEOUT_S = 60

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** A forked redis-worker, asked over IPC. */
export interface Worker {
  ask(kind: string): Promise<Record<string, unknown>>
  readonly child: ChildProcess
}

/** Forks a redis-worker and resolves once its chats are open and polled. */
export function startWorker(job: RedisWorkerJob): Promise<Worker> {
  const child = fork(new URL('./redis-worker.js', import.meta.url), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<string, (answer: Record<string, unknown>) => void>()
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`redis worker exited with ${String(code)}`)))
    child.on('message', (message: unknown) => {
      if (!isRecord(message) || typeof message['kind'] !== 'string') return
      if (message['kind'] === 'ready') resolve({ child, ask })
      waiting.get(message['kind'])?.(message)
      waiting.delete(message['kind'])
    })
    const ask = (kind: string): Promise<Record<string, unknown>> =>
      new Promise((done) => {
        waiting.set(kind, done)
        child.send({ kind })
      })
  })
}

async function runOne(redisUrl: string, store: 'memory' | 'redis', processes: number, job: RedisBenchJob): Promise<RedisRun> {
  // A line per chat per interval: the busy phase has a line on (about) every poll.
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), [String(job.intervalMs), String(job.intervalMs)])
  const info = await createStoreClient(redisUrl)
  const counters = async (): Promise<RedisCounters> => parseCounters(await info.info('commandstats'), await info.info('cpu'))
  const monitor = await monitorRedis(redisUrl)
  const workers: Worker[] = []
  try {
    await info.flushAll()
    const root = `http://127.0.0.1:${server.port}/api/account/12345678`
    for (let p = 0; p < processes; p += 1) {
      const chats = Math.floor(job.chats / processes) + (p < job.chats % processes ? 1 : 0)
      workers.push(await startWorker({ store, redisUrl, root, appKey: APP_KEY, chats, intervalMs: job.intervalMs, chatTimeoutS: CHAT_TIMEOUT_S }))
    }
    const phase = async (windows: number, during: () => Promise<number>): Promise<RedisPhase> => {
      const sums = { seconds: 0, polls: 0, onTime: 0, clientCpuMicros: 0, delivered: 0, linesSent: 0, redisCommands: 0, redisCpuSeconds: 0 }
      const byName: Record<string, number> = {}
      const trips: Record<string, number> = {}
      const lua: Record<string, number> = {}
      for (let w = 0; w < windows; w += 1) {
        const before = await counters()
        monitor.take()
        await Promise.all(workers.map((worker) => worker.ask('cpu-start')))
        await server.ask('window-start')
        const started = performance.now()
        sums.linesSent += await during()
        const end = await server.ask('window-end')
        sums.seconds += (performance.now() - started) / 1000
        for (const answer of await Promise.all(workers.map((worker) => worker.ask('cpu-end')))) {
          sums.clientCpuMicros += Number(answer['cpuMicros'])
          sums.delivered += Number(answer['delivered'])
        }
        const delta = countersDelta(before, await counters())
        sums.polls += Number(end['polls'])
        sums.onTime += Number(end['onTime'])
        sums.redisCommands += delta.total
        sums.redisCpuSeconds += delta.cpuSeconds
        for (const [name, calls] of Object.entries(delta.byName)) byName[name] = (byName[name] ?? 0) + calls
        const seen = monitor.take()
        for (const [name, calls] of Object.entries(seen.client)) trips[name] = (trips[name] ?? 0) + calls
        for (const [name, calls] of Object.entries(seen.lua)) lua[name] = (lua[name] ?? 0) + calls
      }
      const roundTrips = Object.values(trips).reduce((sum, calls) => sum + calls, 0)
      return { ...sums, roundTrips, roundTripsByCommand: trips, due: (job.chats * sums.seconds * 1000) / job.intervalMs, redisByCommand: byName, luaByCommand: lua, load: loadavg()[0] ?? 0 }
    }
    const wait = async (): Promise<number> => {
      await sleep(job.windowMs)
      return 0
    }
    const idle = await phase(job.windows, wait)
    const say = await phase(1, async () => {
      const sent = await Promise.all(workers.map((worker) => worker.ask('say')))
      await sleep(job.intervalMs)
      return sent.reduce((sum, answer) => sum + Number(answer['sent']), 0)
    })
    await server.ask('lines-on')
    await sleep(job.intervalMs)
    const busy = await phase(job.windows, wait)
    let errors = 0
    for (const worker of workers) errors += Number((await worker.ask('cpu-end'))['errors'])
    const run: RedisRun = { store, processes, chats: job.chats, idle, say, busy, errors }
    console.log(`  redis: ${store} × ${processes} process(es) × ${fmt(job.chats)} chats: ${fmt(perPoll(idle, 'roundTrips'), 2)} round trips/idle poll, ${fmt(perPoll(idle, 'clientCpuMicros'), 1)} µs/idle poll`)
    if (store === 'redis') console.log(`    idle, ${fmt(idle.polls)} polls: commandstats ${JSON.stringify(idle.redisByCommand)}; MONITOR client ${JSON.stringify(idle.roundTripsByCommand)}, lua ${JSON.stringify(idle.luaByCommand)}`)
    return run
  } finally {
    await Promise.all(workers.filter((worker) => worker.child.exitCode === null).map((worker) => worker.ask('close')))
    monitor.close()
    await info.close()
    await server.stop()
  }
}

function perPoll(phase: RedisPhase, field: 'roundTrips' | 'redisCommands' | 'clientCpuMicros'): number {
  return phase[field] / Math.max(1, phase.polls)
}

/** Memory store (the baseline), Redis store, Redis store over two processes — one after the other. */
export async function runRedisBench(job: RedisBenchJob): Promise<RedisRun[]> {
  const redis = await startBenchRedis()
  try {
    const runs: RedisRun[] = []
    for (const [store, processes] of [['memory', 1], ['redis', 1], ['redis', 2]] as const) runs.push(await runOne(redis.url, store, processes, job))
    return runs
  } finally {
    await redis.stop()
  }
}

const label = (run: RedisRun): string => `${run.store} store, ${run.processes} process${run.processes > 1 ? 'es' : ''}`

/** The section's tables. */
export function redisTables(runs: readonly RedisRun[]): Array<[string, Array<Record<string, string>>]> {
  const memory = runs.find((run) => run.store === 'memory')
  const top = (phase: RedisPhase): string =>
    Object.entries(phase.roundTripsByCommand)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, calls]) => `${name} ${fmt(calls / Math.max(1, phase.polls), 2)}`)
      .join(', ')
  const commands = runs
    .filter((run) => run.store === 'redis')
    .map((run) => {
      const idleRate = run.idle.roundTrips / Math.max(1, run.idle.seconds)
      const sayExtra = run.say.roundTrips - idleRate * run.say.seconds
      return {
        contender: label(run),
        chats: fmt(run.chats),
        'round trips/idle poll (≤1)': fmt(perPoll(run.idle, 'roundTrips'), 2),
        'incl. Lua': fmt(perPoll(run.idle, 'redisCommands'), 2),
        'MONITOR incl. Lua': fmt((run.idle.roundTrips + Object.values(run.idle.luaByCommand).reduce((sum, calls) => sum + calls, 0)) / Math.max(1, run.idle.polls), 2),
        'round trips/busy poll': fmt(perPoll(run.busy, 'roundTrips'), 2),
        'incl. Lua ': fmt(perPoll(run.busy, 'redisCommands'), 2),
        'per delivered msg': fmt(run.busy.roundTrips / Math.max(1, run.busy.delivered), 2),
        'per line sent (over idle)': fmt(sayExtra / Math.max(1, run.say.linesSent), 2),
        'idle: top commands per poll': top(run.idle),
        'busy: top commands per poll': top(run.busy),
      }
    })
  const cpu = runs.map((run) => {
    const vs = (phase: 'idle' | 'busy'): string => (memory === undefined ? '' : `${(perPoll(run[phase], 'clientCpuMicros') / perPoll(memory[phase], 'clientCpuMicros')).toFixed(2)}×`)
    return {
      contender: label(run),
      chats: fmt(run.chats),
      'µs/idle poll': fmt(perPoll(run.idle, 'clientCpuMicros'), 1),
      'vs memory': vs('idle'),
      'µs/busy poll': fmt(perPoll(run.busy, 'clientCpuMicros'), 1),
      'vs memory ': vs('busy'),
      'client cores (busy)': fmt(run.busy.clientCpuMicros / 1e6 / Math.max(0.001, run.busy.seconds), 2),
      'redis cores (busy)': fmt(run.busy.redisCpuSeconds / Math.max(0.001, run.busy.seconds), 3),
      'polls/due (busy)': percent(run.busy.polls / Math.max(1, run.busy.due)),
      'on time (busy)': percent(run.busy.onTime / Math.max(1, run.busy.polls)),
      'delivered/polls (busy)': percent(run.busy.delivered / Math.max(1, run.busy.polls)),
      errors: fmt(run.errors),
      load: fmt(run.busy.load, 1),
    }
  })
  return [
    ['6a. Redis: round trips per poll (idle; busy = a line on about every poll), per delivered message, per visitor line — MONITOR counts; incl. Lua = INFO commandstats', commands],
    ['6b. Redis: client CPU per poll and polls carried at 1 Hz, Redis store vs the memory store (same scenario, same run); two processes share the chats', cpu],
  ]
}
