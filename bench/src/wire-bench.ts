import { decodeChatResource } from '@chatbridge/core'
import { Connection } from '@chatbridge/adapter'
import type { ChatClientPort, ChatSessionPort, ConnectionOptions } from '@chatbridge/adapter'
import { type ChatPollerOptions, pollChat, sessionSupplier } from '@chatbridge/adapter/internals'
import { fmt, ratio } from './measure.js'

// Section 3: requests on the wire. The adapter's real engine (a `Connection`) runs on a virtual
// clock — its `scheduler` and `now` options — against a fake chat session that serves a scripted
// chat timeline through core's decoder. No real time passes, so ten minutes of a chat take
// milliseconds, and the figures are exact counts, not noisy samples.

type Scheduler = NonNullable<ConnectionOptions['scheduler']>

interface Task {
  readonly at: number
  readonly seq: number
  readonly run: () => void
  cancelled: boolean
}

/** A discrete-event clock that implements just what RxJS's `timer` needs of a scheduler. */
class VirtualClock {
  time = 0
  #seq = 0
  readonly #tasks: Task[] = []

  now(): number {
    return this.time
  }

  schedule(work: (this: unknown, state?: unknown) => void, delay = 0, state?: unknown): { closed: boolean; unsubscribe(): void; add(): void; remove(): void } {
    const action = {
      schedule: (nextState?: unknown, nextDelay = 0) => this.schedule(work, nextDelay, nextState),
    }
    const task: Task = { at: this.time + Math.max(0, delay), seq: this.#seq++, run: () => work.call(action, state), cancelled: false }
    this.#tasks.push(task)
    return {
      closed: false,
      unsubscribe() {
        task.cancelled = true
        this.closed = true
      },
      add: () => undefined,
      remove: () => undefined,
    }
  }

  /** Runs due tasks in time order up to `until`, letting promises settle between them. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve))
      const live = this.#tasks.filter((task) => !task.cancelled)
      this.#tasks.length = 0
      this.#tasks.push(...live)
      live.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = live[0]
      if (next === undefined || next.at > until) break
      this.#tasks.splice(this.#tasks.indexOf(next), 1)
      this.time = next.at
      next.run()
    }
    this.time = until
  }

  /** The clock as RxJS's `SchedulerLike`; its subscriptions are duck-typed, which RxJS accepts as teardown. */
  asScheduler(): Scheduler {
    return this as unknown as Scheduler
  }
}

/** A chat's script: its state and the times (virtual ms) at which the agent says a line. */
interface Scenario {
  readonly name: string
  readonly state: 'waiting' | 'chatting'
  readonly lineTimes: readonly number[]
}

/** What a contender spent and delivered on one scenario. */
export interface WireResult {
  readonly scenario: string
  readonly contender: string
  readonly minutes: number
  readonly requests: number
  readonly requestsPerMinute: number
  readonly delivered: number
  readonly requestsPerMessage: number | undefined
  readonly latencyMeanMs: number | undefined
  readonly latencyP99Ms: number | undefined
}

const URI = 'http://127.0.0.1:1/api/account/12345678/chat/H1-wire'
const CONVERSATION = 'H1-wire'

/** The agent types for {@link TYPING_MS} before each line, as `info.agentTyping` shows. */
const TYPING_MS = 4000

function typing(scenario: Scenario, now: number): boolean {
  return scenario.lineTimes.some((at) => now >= at - TYPING_MS && now < at)
}

function document(scenario: Scenario, from: number, now: number): string {
  const past = scenario.lineTimes.filter((at) => at <= now)
  // Two opening events (state, then the agent's first line at time 0 is not scripted); lines follow.
  const all = [
    { '@id': '0', '@type': 'state', time: new Date(0).toISOString(), state: scenario.state },
    ...past.map((at, i) => ({ '@id': String(i + 1), '@type': 'line', time: new Date(at).toISOString(), textType: 'plain', text: `line ${at}`, by: 'Agent', source: 'agent' })),
  ]
  const event = all.filter((e) => Number(e['@id']) >= from)
  return JSON.stringify({
    chat: {
      link: [{ '@href': URI, '@rel': 'self' }, { '@href': `${URI}?from=${all.length}`, '@rel': 'next' }],
      events: { event },
      info: { state: scenario.state, chatTimeout: '40', agentTyping: typing(scenario, now) ? 'typing' : 'not-typing', ...(scenario.state === 'chatting' ? { agentName: 'Agent', agentId: '7' } : {}) },
    },
  })
}

/** A fake session serving `scenario` on `clock`, counting requests. */
function scriptedSession(scenario: Scenario, clock: VirtualClock): { session: ChatSessionPort; requests: () => number } {
  let requests = 0
  const read = (from: number): ReturnType<ChatSessionPort['snapshot']> => {
    requests += 1
    return Promise.resolve(decodeChatResource(document(scenario, from, clock.time), { uri: URI }))
  }
  const refuse = (): Promise<never> => Promise.reject(new Error('not in this benchmark'))
  const session: ChatSessionPort = {
    conversationId: CONVERSATION,
    snapshot: (options) => read(options?.from ?? 0),
    followNext: (next) => read(Number(next.searchParams.get('from') ?? '0')),
    addLine: refuse,
    end: refuse,
    setVisitorName: refuse,
    setVisitorTyping: refuse,
  }
  return { session, requests: () => requests }
}

const lineLatency = (clock: VirtualClock, text: string): number => clock.time - Number(text.slice('line '.length))

/** Runs one chat through a `Connection` (its default pacing unless `config` says otherwise) on the virtual clock for `minutes`. */
async function runEngine(scenario: Scenario, config: ConnectionOptions, minutes: number): Promise<{ requests: number; latencies: number[] }> {
  const clock = new VirtualClock()
  const { session, requests } = scriptedSession(scenario, clock)
  const refuse = (): Promise<never> => Promise.reject(new Error('not in this benchmark'))
  const client: ChatClientPort = { startChat: refuse, attach: () => session, close: () => Promise.resolve() }
  const connection = new Connection(client, { ...config, scheduler: clock.asScheduler(), now: () => clock.time, random: () => 0.5 })
  const latencies: number[] = []
  const subscription = connection.messagingEvents$(CONVERSATION).subscribe((change) => {
    if (change.event.type === 'ContentEvent') latencies.push(lineLatency(clock, change.event.message))
  })
  await clock.runUntil(minutes * 60_000)
  subscription.unsubscribe()
  await connection.close()
  return { requests: requests(), latencies }
}

/**
 * Runs one chat through the engine's poll loop with a fixed pace (`idleGrowth: 1`): the legacy
 * SDK's 2 s, or chatbridge's previous default. A fixed pace is not a `ConnectionOptions` field, so
 * this drives `pollChat` (the loop a `Connection` runs) directly; latency is counted when the page
 * with the line is emitted, which on the virtual clock is when a `Connection` would emit it.
 */
async function runFixed(scenario: Scenario, chattingMs: number, waitingMs: number, minutes: number): Promise<{ requests: number; latencies: number[] }> {
  const clock = new VirtualClock()
  const { session, requests } = scriptedSession(scenario, clock)
  const config: ChatPollerOptions = {
    pacing: { chattingMs, waitingMs, idleGrowth: 1, keepAliveFraction: 1 / 3, minKeepAliveMs: 1000, defaultChatTimeoutS: 40 },
    backoff: { baseMs: 500, factor: 2, maxMs: 30_000 },
    random: () => 0.5,
    scheduler: clock.asScheduler(),
  }
  const latencies: number[] = []
  const subscription = pollChat(sessionSupplier(session), { from: 0, next: undefined }, config).subscribe((output) => {
    if (output.kind !== 'page') return
    for (const event of output.events) if (event.type === 'line') latencies.push(lineLatency(clock, event.text))
  })
  await clock.runUntil(minutes * 60_000)
  subscription.unsubscribe()
  return { requests: requests(), latencies }
}

/** Every scenario × contender. `minutes` of virtual time each. */
export async function runWireBench(minutes: number): Promise<WireResult[]> {
  // A line every 20–40 s (fixed pseudo-random gaps), starting 15 s in.
  const lineTimes: number[] = []
  for (let at = 15_000, k = 0; at < minutes * 60_000; k += 1) {
    lineTimes.push(at)
    at += 20_000 + ((k * 7919) % 20_000)
  }
  const scenarios: Scenario[] = [
    { name: 'waiting, idle', state: 'waiting', lineTimes: [] },
    { name: 'chatting, idle', state: 'chatting', lineTimes: [] },
    { name: 'chatting, a line every ~30 s (typing 4 s before)', state: 'chatting', lineTimes },
  ]
  const contenders: Array<{ name: string; run: (s: Scenario) => Promise<{ requests: number; latencies: number[] }> }> = [
    { name: 'legacy JS SDK (a poll every 2 s)', run: (s) => runFixed(s, 2000, 2000, minutes) },
    { name: 'chatbridge before: fixed 500 ms chatting, 2 s waiting', run: (s) => runFixed(s, 500, 2000, minutes) },
    { name: 'chatbridge defaults: by activity (500 ms / 2 s after activity, stretching to 3.5 s)', run: (s) => runEngine(s, {}, minutes) },
  ]
  const results: WireResult[] = []
  for (const scenario of scenarios) {
    for (const contender of contenders) {
      const { requests, latencies } = await contender.run(scenario)
      const sorted = [...latencies].sort((a, b) => a - b)
      results.push({
        scenario: scenario.name,
        contender: contender.name,
        minutes,
        requests,
        requestsPerMinute: requests / minutes,
        delivered: latencies.length,
        requestsPerMessage: latencies.length === 0 ? undefined : requests / latencies.length,
        latencyMeanMs: latencies.length === 0 ? undefined : latencies.reduce((a, b) => a + b, 0) / latencies.length,
        latencyP99Ms: sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
      })
    }
  }
  return results
}

/** Table rows: each contender beside the legacy SDK on the same scenario. */
export function wireRows(results: readonly WireResult[]): Array<Record<string, string>> {
  return results.map((r) => {
    const sdk = results.find((x) => x.scenario === r.scenario && x.contender.startsWith('legacy'))
    const opt = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : fmt(v, digits))
    return {
      scenario: r.scenario,
      contender: r.contender,
      'requests/chat-minute': fmt(r.requestsPerMinute, 1),
      'vs SDK': sdk === undefined ? '' : ratio(r.requestsPerMinute / sdk.requestsPerMinute),
      'requests/message': opt(r.requestsPerMessage, 1),
      'latency mean ms': opt(r.latencyMeanMs),
      'latency p99 ms': opt(r.latencyP99Ms),
    }
  })
}
