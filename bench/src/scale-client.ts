// Child-process entry of the scale benchmark (run with --expose-gc): forks the testing server,
// opens N chats the way one contender polls them, measures memory of the idle chats, then CPU,
// polls and delivery latency over a few measurement windows, and sends the figures to its parent.
import { loadavg } from 'node:os'
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startChildServer } from './child-server.js'
import { type PollTrace, type ScaleJob, type Sink, contenders, pollTrace } from './scale-contenders.js'
import { startWindowProfile } from './window-profiler.js'

export type { ScaleJob, ScaleMode } from './scale-contenders.js'

/** One measurement window. */
export interface ScaleWindow {
  readonly seconds: number
  readonly clientCpuMicros: number
  readonly serverCpuMicros: number
  readonly polls: number
  readonly onTime: number
  readonly due: number
  readonly linesSaid: number
  readonly linesDelivered: number
  readonly loopDelayP99Ms: number
  /** Time the main thread spent in garbage collection during the window, ms (PerformanceObserver 'gc'). */
  readonly gcMs: number
  /** Event loop utilisation over the window (0–1): 1 means the main thread never waited for I/O or timers. */
  readonly elu: number
  /** The machine's 1-minute load average at the window's end (2 cores: above ~2 means others queue for CPU). */
  readonly load: number
  /** The server's histogram of gaps between two polls of a chat (`counts[i]`: gaps in [i, i + 1) × bucketMs, the last open-ended). */
  readonly gaps: { readonly bucketMs: number; readonly counts: readonly number[] }
  /** `pollsPerChat[n]`: chats the server saw poll n times in the window. */
  readonly pollsPerChat: readonly number[]
  /** Polls that reached the server in each `bucketMs` of the window, in order (how even the load was). */
  readonly arrivals: { readonly bucketMs: number; readonly counts: readonly number[] }
  /** The client's own view of its polls, when the job traces. */
  readonly trace?: { readonly startGaps: readonly number[]; readonly durations: readonly number[] }
}

/** What the child reports. */
export interface ScaleRun {
  readonly job: ScaleJob
  readonly openSeconds: number
  readonly heapPerChatBytes: number
  readonly rssPerChatBytes: number
  readonly windows: readonly ScaleWindow[]
  /** Append → emission of every agent line delivered during the windows, ms, sorted. */
  readonly latenciesMs: readonly number[]
  readonly errors: number
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}

async function run(job: ScaleJob): Promise<ScaleRun> {
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), [String(job.lineEveryMs), String(job.intervalMs)])
  const sink: Sink = { measuring: false, latencies: [], delivered: 0, errors: 0, ...(job.trace === true ? { trace: pollTrace() } : {}) }
  try {
    const root = `http://127.0.0.1:${server.port}/api/account/12345678`
    collect()
    const before = process.memoryUsage()
    const contender = contenders[job.mode](root, job, sink)
    const opened = performance.now()
    const handles: string[] = []
    for (let i = 0; i < job.chats; i += 64) {
      handles.push(...(await Promise.all(Array.from({ length: Math.min(64, job.chats - i) }, () => contender.open()))))
    }
    const openSeconds = (performance.now() - opened) / 1000
    // Chats start polling spread over one interval, as chats opened by different visitors would.
    for (const [i, handle] of handles.entries()) setTimeout(() => contender.start(handle), (i * job.intervalMs) / job.chats)
    await sleep(job.intervalMs + job.idleMs)
    // Every chat is chatting and polled; no line has been said yet: the idle chats' memory.
    collect()
    const idle = process.memoryUsage()
    // The two forced full collections stop the loop for as long as the heap is big (~0.2 s at 10,000
    // chats): every poll due meanwhile comes late once, and catches up within one interval. A real
    // process does not force them, so the windows start after that interval.
    await sleep(job.intervalMs)
    if (job.pacing !== 'default') await server.ask('lines-on')
    const windows: ScaleWindow[] = []
    const delay = monitorEventLoopDelay({ resolution: 10 })
    let gcMs = 0
    const gcs = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration
    })
    gcs.observe({ entryTypes: ['gc'] })
    const profile = await startWindowProfile(job.profileTo)
    for (let w = 0; w < job.windows; w += 1) {
      sink.measuring = true
      sink.delivered = 0
      const trace: PollTrace | undefined = sink.trace === undefined ? undefined : { ...pollTrace(), lastStart: sink.trace.lastStart }
      if (trace !== undefined) sink.trace = trace
      delay.reset()
      delay.enable()
      await server.ask('window-start')
      const cpu = process.cpuUsage()
      const loop = performance.eventLoopUtilization()
      gcMs = 0
      const started = performance.now()
      await sleep(job.windowMs)
      const used = process.cpuUsage(cpu)
      const utilisation = performance.eventLoopUtilization(loop).utilization
      const windowGcMs = gcMs
      const seconds = (performance.now() - started) / 1000
      const end = await server.ask('window-end')
      delay.disable()
      windows.push({
        seconds,
        clientCpuMicros: used.user + used.system,
        serverCpuMicros: Number(end['cpuMicros']),
        polls: Number(end['polls']),
        onTime: Number(end['onTime']),
        due: (job.chats * seconds * 1000) / job.intervalMs,
        linesSaid: Number(end['lines']),
        linesDelivered: sink.delivered,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        gcMs: windowGcMs,
        elu: utilisation,
        load: loadavg()[0] ?? 0,
        gaps: end['gaps'] as ScaleWindow['gaps'],
        pollsPerChat: end['pollsPerChat'] as number[],
        arrivals: end['arrivals'] as ScaleWindow['arrivals'],
        ...(trace === undefined ? {} : { trace: { startGaps: trace.startGaps, durations: trace.durations } }),
      })
    }
    await profile.stop()
    gcs.disconnect()
    sink.measuring = false
    await contender.close()
    return {
      job,
      openSeconds,
      heapPerChatBytes: (idle.heapUsed - before.heapUsed) / job.chats,
      rssPerChatBytes: (idle.rss - before.rss) / job.chats,
      windows,
      latenciesMs: [...sink.latencies].sort((a, b) => a - b),
      errors: sink.errors,
    }
  } finally {
    await server.stop()
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as ScaleJob
run(job).then(
  (result) => {
    process.send?.(result, () => process.exit(0))
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exit(1)
  },
)
