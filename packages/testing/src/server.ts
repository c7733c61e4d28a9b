// The legacy chat server (startLegacyChatServer): its options, its control API, and how it starts and closes.
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChatAgent } from './agent-script.js'
import type { AgentStep } from './agent-step.js'
import { ChatStore } from './chat-store.js'
import type { Clock, ClockTimer } from './clock.js'
import { systemClock } from './clock.js'
import type { FaultControl } from './faults.js'
import { FaultInjector } from './faults.js'
import type { LegacyChat } from './legacy-chat.js'
import type { QuirkSwitches } from './quirks.js'
import { defaultQuirks } from './quirks.js'
import { randomSeed, seededRandom } from './random.js'
import { createRequestHandler } from './request-handler.js'
import type { RequestLogView } from './request-log.js'
import { RequestLog } from './request-log.js'
import type { Availability, RouteState } from './routes.js'
import { JourneyState } from './journey.js'
import type { JourneyRecord, JourneySettings } from './journey.js'

/** Options of {@link startLegacyChatServer}; every field is optional. */
export interface LegacyChatServerOptions {
  /** TCP port. Default 0 (an ephemeral port). */
  readonly port?: number
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string
  /** Account id in the account root. Default `'12345678'`. */
  readonly accountId?: string
  /** The app key requests must carry. Default: 32 random hex digits. */
  readonly appKey?: string
  /** Time source of timeouts, drops, timelines and latency faults. Default {@link systemClock}. */
  readonly clock?: Clock
  /** Seed of chat ids and info ids, for reproducible recordings. Default: random. */
  readonly seed?: number
  /** Quirk switches; unspecified ones keep their defaults ({@link defaultQuirks}). */
  readonly quirks?: Partial<QuirkSwitches>
  /** `chatTimeout` of chats whose request has no `interactionTimeout`, in seconds. Default 40. */
  readonly chatTimeoutS?: number
  /** Ms after which an ended chat is dropped (404 internalCode 12). Default 60 000; `null` keeps ended chats. */
  readonly dropEndedChatsAfterMs?: number | null
  /** Drives the agent side of every new chat: a timeline or a function such as {@link autoAgent}. Default: none (chats wait). */
  readonly agent?: ChatAgent | readonly AgentStep[]
  /** What the availability routes answer. Default `{ available: true, estimatedWaitTime: 0, availableSlots: -1 }`. */
  readonly availability?: Partial<Availability>
  /** The surveys served and the SSO keys accepted (defaults: `defaultPreChatSurvey`, `defaultOfflineSurvey`, `['test-sso-key']`). */
  readonly journey?: Partial<JourneySettings>
  /** UTC offset of event times, in minutes. Default -300 (`-05:00`, as in the reference's examples). */
  readonly utcOffsetMinutes?: number
  /** Most request log entries kept. Default 10 000. */
  readonly logLimit?: number
  /** Idle keep-alive sockets are closed after this many ms. Default 30 000. */
  readonly keepAliveTimeoutMs?: number
  /** Largest request body accepted, in bytes (413 above). Default 1 MiB. */
  readonly maxRequestBytes?: number
}

/** A running legacy chat server and its control API. */
export interface LegacyChatServer {
  /** `http://127.0.0.1:{port}`. */
  readonly origin: string
  /** `{origin}/api/account/{accountId}`: what a client is configured with. */
  readonly accountRoot: string
  readonly accountId: string
  readonly appKey: string
  readonly port: number
  readonly clock: Clock
  /** Fault rules: `server.faults.add({ route: 'events', times: 1, fault: { kind: 'reset-after' } })`. */
  readonly faults: FaultControl
  /** Every request received, the app key redacted. */
  readonly requests: RequestLogView
  /** The quirk switches in force. */
  readonly quirks: QuirkSwitches
  /** Changes quirk switches from now on. */
  setQuirks(quirks: Partial<QuirkSwitches>): void
  /** Changes what the availability routes answer. */
  setAvailability(availability: Partial<Availability>): void
  /** Changes the surveys served or the SSO keys accepted. */
  setJourney(settings: Partial<JourneySettings>): void
  /** What the journey routes received: offline survey submissions and issued authentications. */
  readonly journey: JourneyRecord
  /** Resolves with the oldest chat not yet handed out by this method, waiting for the next chat request if needed. */
  nextChat(): Promise<LegacyChat>
  /** The live chat with this id, or `undefined` (unknown or dropped). */
  chat(chatId: string): LegacyChat | undefined
  /** The live chats, oldest first. */
  chats(): LegacyChat[]
  /** Drops a chat now: its routes answer 404 internalCode 12. */
  drop(chatId: string): void
  /** Stops listening, destroys open sockets, cancels every timer and rejects pending waits. */
  close(): Promise<void>
}

/**
 * Starts a legacy visitor Chat REST API server on loopback, behaving like the reference (quirks
 * included), with scriptable agents, fault injection and a request log.
 *
 * @example
 * const server = await startLegacyChatServer()
 * const response = await fetch(`${server.accountRoot}/chat/request?v=1`, {
 *   method: 'POST', headers: { authorization: `LivePerson appKey=${server.appKey}` },
 * })
 * const chat = await server.nextChat()
 * chat.accept({ name: 'Natalie', id: 7 })
 * await server.close()
 */
export async function startLegacyChatServer(options: LegacyChatServerOptions = {}): Promise<LegacyChatServer> {
  const clock = options.clock ?? systemClock
  const accountId = options.accountId ?? '12345678'
  const appKey = options.appKey ?? randomBytes(16).toString('hex')
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024
  const utcOffsetMinutes = options.utcOffsetMinutes ?? -300
  let quirks: QuirkSwitches = { ...defaultQuirks, ...options.quirks }
  let availability: Availability = { available: true, estimatedWaitTime: 0, availableSlots: -1, ...options.availability }
  const journey = new JourneyState(options.journey)
  const faults = new FaultInjector()
  const log = new RequestLog(options.logLimit ?? 10_000, appKey)
  const pendingTimers = new Set<ClockTimer>()

  const http: Server = createServer({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000 })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject)
      resolve()
    })
  })
  const { port } = http.address() as AddressInfo
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`
  const accountRoot = `${origin}/api/account/${accountId}`
  const dropAfter = options.dropEndedChatsAfterMs === undefined ? 60_000 : options.dropEndedChatsAfterMs
  const store = new ChatStore({
    clock,
    random: seededRandom(options.seed ?? randomSeed()),
    accountRoot,
    quirks: () => quirks,
    utcOffsetMinutes,
    dropEndedAfterMs: dropAfter ?? undefined,
    agent: options.agent,
  })
  const routeState: RouteState = {
    store,
    clock,
    accountRoot,
    quirks: () => quirks,
    availability: () => availability,
    journey,
    defaultChatTimeoutS: options.chatTimeoutS ?? 40,
  }

  http.on('request', createRequestHandler({ clock, appKey, accountId, maxRequestBytes, utcOffsetMinutes, quirks: () => quirks, faults, log, routes: routeState, pendingTimers }))

  let closing: Promise<void> | undefined
  return {
    origin,
    accountRoot,
    accountId,
    appKey,
    port,
    clock,
    faults,
    requests: log,
    get quirks() {
      return quirks
    },
    setQuirks: (changes) => {
      quirks = { ...quirks, ...changes }
    },
    setAvailability: (changes) => {
      availability = { ...availability, ...changes }
    },
    setJourney: (changes) => {
      journey.settings = { ...journey.settings, ...changes }
    },
    journey,
    nextChat: () => store.nextChat(),
    chat: (chatId) => store.get(chatId),
    chats: () => store.all(),
    drop: (chatId) => {
      const chat = store.get(chatId)
      if (chat !== undefined) store.drop(chat)
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        store.close()
        log.close()
        for (const timer of pendingTimers) timer.cancel()
        pendingTimers.clear()
        http.close(() => resolve())
        http.closeAllConnections()
      })),
  }
}
