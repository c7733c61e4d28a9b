// The scale bench's parent side: runs each contender at each N in its own child process, and turns the windows into the rows of tables 2a–2c.
import { fork } from 'node:child_process'
import { fmt, percent, ratio, summarise } from './measure.js'
import type { Summary } from './measure.js'
import type { ScaleJob, ScaleMode, ScaleRun } from './scale-client.js'

/** The figures of one contender at one N, medians over the measurement windows. */
export interface ScaleResult {
  readonly mode: ScaleMode
  readonly chats: number
  /** Share of one core the client used (1 = a whole core). */
  readonly clientCores: Summary
  readonly serverCores: Summary
  readonly cpuMicrosPerPoll: Summary
  /** Polls the server saw / polls due (chats × seconds at the interval). */
  readonly achieved: Summary
  /** Share of polls that came at most interval + 50 ms after the previous poll of their chat. */
  readonly onTime: Summary
  readonly loopDelayP99Ms: Summary
  /** Share of the client's CPU time spent in garbage collection. */
  readonly gcShare: Summary
  /** Event loop utilisation of the client (1 = its main thread never idle). */
  readonly elu: Summary
  /** The machine's 1-minute load average during the windows (both processes of the run included). */
  readonly load: Summary
  readonly heapPerChatBytes: number
  readonly rssPerChatBytes: number
  readonly latencyP50Ms: number | undefined
  readonly latencyP99Ms: number | undefined
  readonly linesDelivered: number
  readonly linesSaid: number
  readonly errors: number
  readonly openSeconds: number
}

/** Runs one contender at one N in a child process with `--expose-gc`. */
export function runScaleChild(job: ScaleJob, execArgv: readonly string[]): Promise<ScaleRun> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./scale-client.js', import.meta.url), [JSON.stringify(job)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--expose-gc', ...execArgv],
    })
    let result: ScaleRun | undefined
    child.on('message', (message: unknown) => {
      result = message as ScaleRun
    })
    child.once('error', reject)
    child.once('exit', (code) => (result === undefined ? reject(new Error(`scale client exited with ${code}`)) : resolve(result)))
  })
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

/** One child run's figures: medians over its windows. */
export function scaleResult(run: ScaleRun): ScaleResult {
  const w = run.windows
  const { mode, chats } = run.job
  return {
    mode,
    chats,
    clientCores: summarise(w.map((x) => x.clientCpuMicros / 1e6 / x.seconds)),
    serverCores: summarise(w.map((x) => x.serverCpuMicros / 1e6 / x.seconds)),
    cpuMicrosPerPoll: summarise(w.map((x) => x.clientCpuMicros / Math.max(1, x.polls))),
    achieved: summarise(w.map((x) => x.polls / x.due)),
    onTime: summarise(w.map((x) => x.onTime / Math.max(1, x.polls))),
    loopDelayP99Ms: summarise(w.map((x) => x.loopDelayP99Ms)),
    gcShare: summarise(w.map((x) => (x.gcMs * 1000) / Math.max(1, x.clientCpuMicros))),
    elu: summarise(w.map((x) => x.elu)),
    load: summarise(w.map((x) => x.load)),
    heapPerChatBytes: run.heapPerChatBytes,
    rssPerChatBytes: run.rssPerChatBytes,
    latencyP50Ms: percentile(run.latenciesMs, 0.5),
    latencyP99Ms: percentile(run.latenciesMs, 0.99),
    linesDelivered: run.latenciesMs.length,
    linesSaid: w.reduce((sum, x) => sum + x.linesSaid, 0),
    errors: run.errors,
    openSeconds: run.openSeconds,
  }
}

/** Every contender at every N, one after the other (never two at once: they share two cores). */
export async function runScaleBench(
  sizes: readonly number[],
  base: Omit<ScaleJob, 'mode' | 'chats'>,
  modes: readonly ScaleMode[] = ['floor', 'by-hand', 'chatbridge'],
  execArgv: readonly string[] = [],
): Promise<ScaleResult[]> {
  const results: ScaleResult[] = []
  for (const chats of sizes) {
    for (const mode of modes) {
      results.push(scaleResult(await runScaleChild({ ...base, mode, chats }, execArgv)))
      const last = results.at(-1)
      if (last !== undefined) console.log(`  scale: ${mode} × ${fmt(chats)} chats: ${fmt(last.cpuMicrosPerPoll.median, 1)} µs/poll, ${percent(last.achieved.median)} of polls due`)
    }
  }
  return results
}

const name: Record<ScaleMode, string> = { floor: 'floor (undici.request, body dropped)', 'by-hand': 'by hand (setInterval + fetch + JSON.parse)', chatbridge: 'chatbridge Connection' }

/** Table rows: CPU and polls, each contender beside the floor at the same N. */
export function scaleCpuRows(results: readonly ScaleResult[]): Array<Record<string, string>> {
  return results.map((r) => {
    const floorRow = results.find((x) => x.chats === r.chats && x.mode === 'floor')
    const vs = floorRow === undefined ? Number.NaN : r.cpuMicrosPerPoll.median / floorRow.cpuMicrosPerPoll.median
    return {
      chats: fmt(r.chats),
      contender: name[r.mode],
      'client CPU (cores)': fmt(r.clientCores.median, 2),
      'µs/poll': fmt(r.cpuMicrosPerPoll.median, 1),
      'vs floor (≤2×)': ratio(vs),
      'polls/due': percent(r.achieved.median),
      'on time (≥99%)': percent(r.onTime.median),
      'loop p99 ms': fmt(r.loopDelayP99Ms.median, 0),
      'loop busy': percent(r.elu.median),
      'GC/CPU': percent(r.gcShare.median),
      'server CPU': fmt(r.serverCores.median, 2),
      load: fmt(r.load.median, 1),
      'failed requests': fmt(r.errors),
      noise: `±${((Math.max(r.cpuMicrosPerPoll.spread, r.achieved.spread) * 100) / 2).toFixed(1)}%`,
    }
  })
}

/** Table rows: memory and delivery latency. */
export function scaleMemoryRows(results: readonly ScaleResult[], intervalMs: number): Array<Record<string, string>> {
  return results.map((r) => {
    const floorRow = results.find((x) => x.chats === r.chats && x.mode === 'floor')
    const ms = (v: number | undefined): string => (v === undefined ? 'n/a' : fmt(v, 0))
    return {
      chats: fmt(r.chats),
      contender: name[r.mode],
      'heap KiB/chat (≤16)': fmt(r.heapPerChatBytes / 1024, 1),
      'vs floor': floorRow === undefined ? '' : ratio(r.heapPerChatBytes / floorRow.heapPerChatBytes),
      'RSS KiB/chat': fmt(r.rssPerChatBytes / 1024, 1),
      'latency p50 ms': ms(r.latencyP50Ms),
      [`p99 ms (≤${intervalMs + 50})`]: ms(r.latencyP99Ms),
      'lines delivered/said': r.mode === 'floor' ? 'n/a' : `${fmt(r.linesDelivered)}/${fmt(r.linesSaid)}`,
      errors: fmt(r.errors),
    }
  })
}
