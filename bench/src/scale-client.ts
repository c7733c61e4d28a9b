import { loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'
import { LegacyChatClient } from '@chatbridge/core'
import { Connection } from '@chatbridge/adapter'
import { startChildServer } from './child-server.js'

// Child-process entry of the scale benchmark (run with --expose-gc): forks the testing server,
// opens N chats the way one contender polls them, measures memory of the idle chats, then CPU,
// polls and delivery latency over a few measurement windows, and sends the figures to its parent.

/** How one contender opens and polls chats. */
export type ScaleMode = 'floor' | 'by-hand' | 'chatbridge'

/** What the parent asks for. */
export interface ScaleJob {
  readonly mode: ScaleMode
  readonly chats: number
  readonly intervalMs: number
  readonly lineEveryMs: number
  readonly idleMs: number
  readonly windows: number
  readonly windowMs: number
  readonly connections: number
  /**
   * `'fixed'` (default): every contender polls every `intervalMs`, chatbridge with `idleGrowth: 1`.
   * `'default'`: chatbridge at its default pacing by activity, and no lines are said, so every chat
   * is idle and stretched to its ceiling by the windows; the floor and by hand poll at that
   * ceiling (`intervalMs`, 3 500 for the defaults) — the same schedule per chat for all three.
   */
  readonly pacing?: 'fixed' | 'default'
}

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
  /** The machine's 1-minute load average at the window's end (2 cores: above ~2 means others queue for CPU). */
  readonly load: number
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

interface Contender {
  /** Requests a chat; resolves with a handle for {@link start}. */
  open(): Promise<string>
  /** Starts polling a chat. */
  start(handle: string): void
  close(): Promise<void>
}

const APP_KEY = 'bench-app-key-0123456789abcdef'
const HEADERS = { authorization: `LivePerson appKey=${APP_KEY}`, accept: 'application/json' }
const LINE = /^bench-line (\d+)$/

interface Sink {
  measuring: boolean
  latencies: number[]
  delivered: number
  errors: number
}

function deliver(sink: Sink, text: string): void {
  const match = LINE.exec(text)
  if (match === null || !sink.measuring) return
  sink.latencies.push(Date.now() - Number(match[1]))
  sink.delivered += 1
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value]
}

/** The floor: `undici.request` of the chat resource, body discarded, one poll a second per chat. */
function floor(root: string, job: ScaleJob, sink: Sink): Contender {
  const dispatcher = new Agent({ connections: job.connections, pipelining: 1 })
  const timers = new Set<NodeJS.Timeout>()
  let closed = false
  return {
    open: async () => {
      const response = await request(`${root}/chat/request?v=1&NC=true`, { method: 'POST', headers: { ...HEADERS, 'content-type': 'application/json' }, body: '{"request":{}}', dispatcher })
      await response.body.dump()
      return String(response.headers['location'])
    },
    start: (uri) => {
      // `from` past the end: the same document as an idle poll (links and info), never any event.
      const url = `${uri}?from=1000000&v=1&NC=true`
      const poll = async (): Promise<void> => {
        try {
          const response = await request(url, { headers: HEADERS, dispatcher })
          await response.body.dump()
        } catch {
          sink.errors += 1
        }
        if (closed) return
        const timer = setTimeout(() => {
          timers.delete(timer)
          void poll()
        }, job.intervalMs)
        timers.add(timer)
      }
      void poll()
    },
    close: async () => {
      closed = true
      for (const timer of timers) clearTimeout(timer)
      await dispatcher.close()
    },
  }
}

/** What a team would write by hand: `setInterval` per chat, global `fetch`, `JSON.parse`, the `next` link. */
function byHand(root: string, job: ScaleJob, sink: Sink): Contender {
  const intervals = new Set<NodeJS.Timeout>()
  return {
    open: async () => {
      const response = await fetch(`${root}/chat/request?v=1&NC=true`, { method: 'POST', headers: { ...HEADERS, 'content-type': 'application/json' }, body: '{"request":{}}' })
      await response.arrayBuffer()
      return response.headers.get('location') ?? ''
    },
    start: (uri) => {
      let next = `${uri}?v=1&NC=true`
      const timer = setInterval(() => {
        void (async () => {
          try {
            const response = await fetch(next, { headers: HEADERS })
            const document: unknown = JSON.parse(await response.text())
            const chat = isRecord(document) && isRecord(document['chat']) ? document['chat'] : {}
            for (const link of list(chat['link'])) {
              if (isRecord(link) && link['@rel'] === 'next' && typeof link['@href'] === 'string') next = `${link['@href']}&v=1&NC=true`
            }
            const events = isRecord(chat['events']) ? list(chat['events']['event']) : []
            for (const event of events) {
              if (isRecord(event) && event['@type'] === 'line' && event['source'] === 'agent' && typeof event['text'] === 'string') deliver(sink, event['text'])
            }
          } catch {
            sink.errors += 1
          }
        })()
      }, job.intervalMs)
      intervals.add(timer)
    },
    close: () => {
      for (const timer of intervals) clearInterval(timer)
      return Promise.resolve()
    },
  }
}

/** chatbridge: one `Connection` for every chat (a fixed pace = the interval, or the default pacing by activity), one subscriber per chat. */
function chatbridge(root: string, job: ScaleJob, sink: Sink): Contender {
  const client = new LegacyChatClient({ accountRoot: root, appKey: APP_KEY, connections: job.connections })
  const paced = job.pacing === 'default' ? {} : { chattingIntervalMs: job.intervalMs, waitingIntervalMs: job.intervalMs, idleGrowth: 1 }
  const connection = new Connection(client, paced, { ownsClient: true })
  const subscriptions: Array<{ unsubscribe(): void }> = []
  return {
    open: async () => (await connection.requestConversation({})).conversationId,
    start: (conversationId) => {
      subscriptions.push(
        connection.messagingEvents$(conversationId).subscribe({
          next: (change) => {
            if (change.event.type === 'ContentEvent' && change.originatorMetadata.role === 'ASSIGNED_AGENT') deliver(sink, change.event.message)
          },
          error: () => {
            sink.errors += 1
          },
        }),
      )
    },
    close: async () => {
      for (const subscription of subscriptions) subscription.unsubscribe()
      await connection.close()
    },
  }
}

const contenders: Record<ScaleMode, (root: string, job: ScaleJob, sink: Sink) => Contender> = { floor, 'by-hand': byHand, chatbridge }

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}

async function run(job: ScaleJob): Promise<ScaleRun> {
  const server = await startChildServer(new URL('./scale-server.js', import.meta.url), [String(job.lineEveryMs), String(job.intervalMs)])
  const sink: Sink = { measuring: false, latencies: [], delivered: 0, errors: 0 }
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
    if (job.pacing !== 'default') await server.ask('lines-on')
    const windows: ScaleWindow[] = []
    const delay = monitorEventLoopDelay({ resolution: 10 })
    for (let w = 0; w < job.windows; w += 1) {
      sink.measuring = true
      sink.delivered = 0
      delay.reset()
      delay.enable()
      await server.ask('window-start')
      const cpu = process.cpuUsage()
      const started = performance.now()
      await sleep(job.windowMs)
      const used = process.cpuUsage(cpu)
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
        load: loadavg()[0] ?? 0,
      })
    }
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
