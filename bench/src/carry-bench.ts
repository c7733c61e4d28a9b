// Chats carried at the default pacing: one Connection on the Redis store in one process vs the same chats split over two processes on one Redis.
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { createStoreClient } from '@chatbridge/redis'
import { startChildServer } from './child-server.js'
import { fmt, percent } from './measure.js'
import { type Worker, startWorker } from './redis-bench.js'
import { startBenchRedis } from './redis-server.js'

// Every chat idle, so chatbridge's default pacing has stretched each to its 3 500 ms ceiling
// before the window; the testing server (its own process) judges a poll on time when it came at
// most 3 500 + 50 ms after the chat's previous one. Two processes share the chats through Redis
// (leases from ChatLeases), as two gateway processes would.

/** Ladder and window of the run. */
export interface CarryJob {
  readonly sizes: readonly number[]
  readonly processes: readonly number[]
  readonly windowMs: number
  /** Wait after the workers' own two intervals before the window. */
  readonly warmupMs: number
}

/** One rung: chats × processes. */
export interface CarryRun {
  readonly chats: number
  readonly processes: number
  readonly seconds: number
  readonly polls: number
  readonly due: number
  readonly onTime: number
  readonly clientCpuMicros: number
  readonly errors: number
  readonly load: number
}

const CEILING_MS = 3500
const APP_KEY = 'bench-app-key-0123456789abcdef'

async function carryOne(redisUrl: string, chats: number, processes: number, job: CarryJob): Promise<CarryRun> {
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), ['5000', String(CEILING_MS)])
  const info = await createStoreClient(redisUrl)
  const workers: Worker[] = []
  try {
    await info.flushAll()
    const root = `http://127.0.0.1:${server.port}/api/account/12345678`
    const shares = Array.from({ length: processes }, (_, p) => Math.floor(chats / processes) + (p < chats % processes ? 1 : 0))
    workers.push(...(await Promise.all(shares.map((share) => startWorker({ store: 'redis', redisUrl, root, appKey: APP_KEY, chats: share, intervalMs: CEILING_MS, chatTimeoutS: 60, pacing: 'default' })))))
    // 500 + 1 250 + 3 125 ms of growth after the worker's two intervals: every chat at its ceiling.
    await sleep(job.warmupMs)
    await Promise.all(workers.map((worker) => worker.ask('cpu-start')))
    await server.ask('window-start')
    const started = performance.now()
    await sleep(job.windowMs)
    const end = await server.ask('window-end')
    const seconds = (performance.now() - started) / 1000
    let clientCpuMicros = 0
    let errors = 0
    for (const answer of await Promise.all(workers.map((worker) => worker.ask('cpu-end')))) {
      clientCpuMicros += Number(answer['cpuMicros'])
      errors += Number(answer['errors'])
    }
    const run: CarryRun = { chats, processes, seconds, polls: Number(end['polls']), onTime: Number(end['onTime']), due: (chats * seconds * 1000) / CEILING_MS, clientCpuMicros, errors, load: loadavg()[0] ?? 0 }
    console.log(`  carry: ${fmt(chats)} chats × ${processes} process(es): ${percent(run.onTime / Math.max(1, run.polls))} on time, ${percent(run.polls / Math.max(1, run.due))} of due, load ${fmt(run.load, 1)}`)
    return run
  } finally {
    await Promise.all(workers.filter((worker) => worker.child.exitCode === null).map((worker) => worker.ask('close')))
    await info.close()
    await server.stop()
  }
}

/** The ladder, 1 and 2 processes at each size, one after the other on one Redis. */
export async function runCarryBench(job: CarryJob): Promise<CarryRun[]> {
  const redis = await startBenchRedis()
  try {
    const runs: CarryRun[] = []
    for (const chats of job.sizes) for (const processes of job.processes) runs.push(await carryOne(redis.url, chats, processes, job))
    return runs
  } finally {
    await redis.stop()
  }
}

/** The table: on time and polls/due per rung; carried = ≥ 99% of polls on time and ≥ 99% of the due polls made. */
export function carryRows(runs: readonly CarryRun[]): Array<Record<string, string>> {
  return runs.map((run) => {
    const onTime = run.onTime / Math.max(1, run.polls)
    const made = run.polls / Math.max(1, run.due)
    return {
      chats: fmt(run.chats),
      processes: fmt(run.processes),
      'polls/due': percent(made),
      'on time (≤3 550 ms)': percent(onTime),
      carried: onTime >= 0.99 && made >= 0.99 ? 'yes' : 'no',
      'client cores': fmt(run.clientCpuMicros / 1e6 / Math.max(0.001, run.seconds), 2),
      'µs/poll': fmt(run.clientCpuMicros / Math.max(1, run.polls), 0),
      errors: fmt(run.errors),
      load: fmt(run.load, 1),
    }
  })
}
