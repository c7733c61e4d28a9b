// The scale benchmark's contenders: how the floor, a hand-written loop and chatbridge open and poll N chats (the heap breakdown uses them too).
import { Agent, request } from 'undici'
import { LegacyChatClient } from '@chatbridge/core'
import { Connection, type PollReport } from '@chatbridge/adapter'

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
  /** Where to write a CPU profile of the client over the measurement windows (none by default). */
  readonly profileTo?: string
  /** chatbridge's `maxPollsInFlight` (default: the Connection's). */
  readonly maxPollsInFlight?: number
  /** `false`: chatbridge with `idleSpread: false` (chats that came out of their ramp-up together then poll in step); default its default. */
  readonly idleSpread?: boolean
  /** Trace chatbridge's polls from its poll reports (start gaps, durations) into `Sink.trace`; off by default (it costs a map look-up per poll). */
  readonly trace?: boolean
}

/** Opens and polls chats one way. */
export interface Contender {
  /** Requests a chat (the Messaging socket contender: readies its socket, see `messagingSockets`); resolves with a handle for {@link start}. */
  open(): Promise<string>
  /** Starts polling a chat. */
  start(handle: string): void
  close(): Promise<void>
}

const APP_KEY = 'bench-app-key-0123456789abcdef'
const HEADERS = { authorization: `LivePerson appKey=${APP_KEY}`, accept: 'application/json' }
const LINE = /^bench-line (\d+)$/

/** Width of one bucket of the trace's histograms, ms (the last bucket takes everything past it). */
export const TRACE_BUCKET_MS = 25
const TRACE_BUCKETS = 400

/** What the client saw of its own polls while measuring (chatbridge with `trace`): histograms in TRACE_BUCKET_MS buckets. */
export interface PollTrace {
  /** Start of a poll (its request, past the gate) after the start of the previous poll of its chat. */
  readonly startGaps: number[]
  /** Start to settle. */
  readonly durations: number[]
  readonly lastStart: Map<string, number>
}

/** An empty trace. */
export function pollTrace(): PollTrace {
  return { startGaps: new Array<number>(TRACE_BUCKETS).fill(0), durations: new Array<number>(TRACE_BUCKETS).fill(0), lastStart: new Map() }
}

function count(histogram: number[], ms: number): void {
  const i = Math.max(0, Math.min(TRACE_BUCKETS - 1, Math.floor(ms / TRACE_BUCKET_MS)))
  histogram[i] = (histogram[i] ?? 0) + 1
}

/** Where the contenders put what they saw: agent lines' delivery latency while measuring, errors. */
export interface Sink {
  measuring: boolean
  latencies: number[]
  delivered: number
  errors: number
  /** Set (and swapped per window) by the client when the job traces. */
  trace?: PollTrace
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

/** The floor: `undici.request` of the chat resource, body discarded, one poll per interval per chat. */
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
  const paced = job.pacing === 'default' ? (job.idleSpread === false ? { idleSpread: false } : {}) : { chattingIntervalMs: job.intervalMs, waitingIntervalMs: job.intervalMs, idleGrowth: 1 }
  // A failed poll (a timeout, say) is retried inside the loop, never seen by a subscriber: count it
  // from the poll reports, as the other contenders count their failed requests.
  const onPoll = (report: PollReport): void => {
    if (report.outcome === 'failed') sink.errors += 1
    const trace = sink.trace
    if (trace === undefined) return
    const previous = trace.lastStart.get(report.conversationId)
    trace.lastStart.set(report.conversationId, report.at)
    if (!sink.measuring) return
    if (previous !== undefined) count(trace.startGaps, report.at - previous)
    count(trace.durations, report.durationMs)
  }
  const gate = job.maxPollsInFlight === undefined ? {} : { maxPollsInFlight: job.maxPollsInFlight }
  const connection = new Connection(client, { ...paced, ...gate, onPoll }, { ownsClient: true })
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

/** Each contender by its mode. */
export const contenders: Record<ScaleMode, (root: string, job: ScaleJob, sink: Sink) => Contender> = { floor, 'by-hand': byHand, chatbridge }
