// The connection's options: one bag, its defaults, and their resolution (once, failing fast).
import type { SchedulerLike } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import type { ChatPollerOptions } from './chat-poller.js'
import type { ConversationRelay } from './conversation-relay.js'
import type { ConversationStore } from './conversation-store.js'
import { type CsatOptions, checkCsatOptions } from './csat.js'
import { DEFAULT_IDLE_GROWTH } from './pacing.js'
import { pollClock } from './poll-clock.js'
import { PollGate } from './poll-gate.js'
import type { PollReportListener } from './poll-report.js'
import type { RandomSource } from './retry-decision.js'

/**
 * Options of a connection (both faces). Every field is optional; times are in milliseconds unless
 * the name says otherwise. Defaults are resolved once, when the connection is made.
 */
export interface ConnectionOptions {
  /** Poll interval while an agent is in the chat; default 500. */
  readonly chattingIntervalMs?: number
  /** Poll interval while waiting for an agent; default 2 000. */
  readonly waitingIntervalMs?: number
  /**
   * Growth of the wait between polls after each poll that brought nothing (no event, no state
   * change, the agent not typing, the visitor not typing or sending meanwhile); default 2.5. Any
   * such activity brings the next poll back to the state's interval. `1` polls at a fixed pace.
   */
  readonly idleGrowth?: number
  /**
   * The longest the stretched wait gets while nothing happens; default 7 × `chattingIntervalMs`
   * (3 500). Never below the state's interval, and never past the keep-alive cap (see
   * `keepAliveFraction`), whatever is set here: a quiet chat is never timed out by the server.
   */
  readonly idleCeilingMs?: number
  /** Whether a chat's first wait at that ceiling (once per run of its polling) is drawn at random between the state's interval and the ceiling, so chats started together (a restart, many new chats at once) do not poll in step ever after; default `true`. `false` keeps every chat's schedule exact. */
  readonly idleSpread?: boolean
  /** No wait between polls (backoff included) exceeds this share of `chatTimeout`; default 1/3. */
  readonly keepAliveFraction?: number
  /** Floor of that keep-alive cap (which never exceeds half of `chatTimeout`); default 1 000. */
  readonly minKeepAliveMs?: number
  /**
   * `chatTimeout` in seconds assumed until the server reports one; default `interactionTimeoutS`
   * when set (the timeout this connection asks for), else 40 (the server's default). It caps the
   * backoff of the first polls, so a chat whose first reads fail is not timed out meanwhile.
   */
  readonly defaultChatTimeoutS?: number
  /** First backoff ceiling after a failed poll; default 500. Full jitter: the wait is random below it. */
  readonly backoffBaseMs?: number
  /** Growth of the ceiling per consecutive failure; default 2. */
  readonly backoffFactor?: number
  /** Largest backoff ceiling; default 30 000 (and never above the keep-alive cap). */
  readonly backoffMaxMs?: number
  /**
   * How many of a chat's latest messaging events each conversation keeps in memory, to serve
   * `fromSeq` subscriptions at once; default 50. An older `fromSeq` is replayed from the legacy
   * server (the chat resource read with `from`), mapped as the live events were.
   */
  readonly eventLogLimit?: number
  /** How long a chat is still polled after its last subscriber left; default 100. */
  readonly lastSubscriberGraceMs?: number
  /** Tries per command (a line, an end) before it fails; default 5. */
  readonly maxCommandAttempts?: number
  /**
   * After a line's POST had an unknown outcome and the event log does not show it, wait this long
   * and look again before sending it again (a slow server may still apply it); default 2 000.
   */
  readonly reconcileWindowMs?: number
  /**
   * Keep every conversation this connection requested or resumed polled until it ends or the
   * connection closes, even with no subscriber, so the server does not time it out. Default
   * `false` for a `Connection` (polling runs while someone subscribes, and stops shortly after
   * the last one leaves) and `true` for the Messaging socket (where, as in Messaging, a
   * conversation lives while the socket is open, subscribed or not).
   */
  readonly keepConversationsAlive?: boolean
  /** `interactionTimeout` (seconds) sent with chat requests; default: the server's (40). */
  readonly interactionTimeoutS?: number
  /** Translates Messaging `skillId`s to legacy skill names; default: the `skillId` is the name. */
  readonly skillMap?: Readonly<Record<string, string>>
  /** The consumer's participant id (e.g. a JWT `sub`); default: the chat's `visitorId`. */
  readonly consumerId?: string
  /**
   * Scheduler of every timer (polls, backoff, grace, retries); default the process's one poll
   * clock (every connection's timers in one heap behind one Node timer, `now()` = `Date.now()`).
   */
  readonly scheduler?: SchedulerLike
  /**
   * Polls in flight at once on this connection's client; default 64 (a few per connection of the
   * client's pool, 16 by default). Connections on one client with one limit share the bound. Late polls wait their turn in order before their request, and
   * its timeout, starts: without the bound, a process short of CPU queues every chat's request in
   * the pool, where they time out unsent and each timeout costs a reconnect.
   */
  readonly maxPollsInFlight?: number
  /** Jitter source in [0, 1); default `Math.random`. */
  readonly random?: RandomSource
  /** Clock in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number
  /**
   * Where conversations' state is kept (chat URI, cursor, each outbound line's status, visitor
   * name, the lease), so another connection — after a restart, in another process — continues a
   * conversation by its id: lines queued are sent, lines whose outcome was open are settled against
   * the event log first, none is sent twice. Default: none (the connection's own objects keep its
   * conversations until it closes; nothing outlives it). A {@link MemoryConversationStore} shared by
   * connections of this process, or `RedisConversationStore` from `@chatbridge/redis`, across processes.
   */
  readonly store?: ConversationStore
  /**
   * Shares conversations with other processes (fan-out): a conversation this connection holds the
   * lease of publishes its pages to the relay and runs the commands other processes forward. Default none.
   */
  readonly relay?: ConversationRelay
  /** The exit survey question a Messaging `CSATRate` is submitted to; without it a rating is refused (400). */
  readonly csat?: CsatOptions
  /**
   * Called after every poll of every conversation with a `PollReport` (when, how long, ok or
   * failed with its code, how many new events) — e.g. for a host's metrics. Keep it cheap: it
   * runs on the poll path. Default none.
   */
  readonly onPoll?: PollReportListener
  /** Called once when a conversation of this connection is over here (its chat ended, its polling stopped for good, or it was closed), with its id and this connection's `consumerId`: one function for all, where a watch of each costs it its objects. Default none. */
  readonly onConversationEnd?: (conversationId: string, consumerId: string | undefined) => void
}

/**
 * {@link ConnectionOptions} with every default applied.
 *
 * @internal
 */
export interface ResolvedConnectionOptions {
  readonly poller: ChatPollerOptions
  readonly graceMs: number
  readonly eventLogLimit: number
  readonly maxCommandAttempts: number
  readonly reconcileWindowMs: number
  readonly keepConversationsAlive: boolean
  readonly interactionTimeoutS: number | undefined
  readonly skillMap: Readonly<Record<string, string>>
  readonly now: () => number
  readonly relay: ConversationRelay | undefined
  readonly csat: CsatOptions | undefined
  readonly onConversationEnd: ConnectionOptions['onConversationEnd']
}

/**
 * Applies the defaults of {@link ConnectionOptions} once; throws an {@link AdapterError}
 * `E_INVALID_CONFIG` whose message shows a correct call. With `client`, the poll gate is the one
 * that client's connections with the same `maxPollsInFlight` share.
 *
 * @internal
 */
export function resolveConnectionOptions(config: ConnectionOptions = {}, client?: object): ResolvedConnectionOptions {
  const positive = (name: keyof ConnectionOptions, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    if (!Number.isFinite(value) || value <= 0) throw invalid(name, 'a positive number', value, String(fallback))
    return value
  }
  const nonNegative = (name: keyof ConnectionOptions, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    if (!Number.isFinite(value) || value < 0) throw invalid(name, '0 or more', value, String(fallback))
    return value
  }
  const positiveInteger = (name: keyof ConnectionOptions, value: number | undefined, fallback: number): number => {
    const checked = positive(name, value, fallback)
    if (!Number.isInteger(checked)) throw invalid(name, 'a positive integer', value, String(fallback))
    return checked
  }
  const requestedTimeoutS = config.interactionTimeoutS !== undefined && config.interactionTimeoutS > 0 ? config.interactionTimeoutS : undefined
  const fraction = positive('keepAliveFraction', config.keepAliveFraction, 1 / 3)
  if (fraction >= 1) throw invalid('keepAliveFraction', 'below 1', fraction, '1 / 3')
  const idleGrowth = positive('idleGrowth', config.idleGrowth, DEFAULT_IDLE_GROWTH)
  if (idleGrowth < 1) throw invalid('idleGrowth', '1 or more', idleGrowth, '2.5')
  const eventLogLimit = positive('eventLogLimit', config.eventLogLimit, 50)
  if (!Number.isInteger(eventLogLimit)) throw invalid('eventLogLimit', 'a positive integer', eventLogLimit, '50')
  const resolved: ResolvedConnectionOptions = {
    poller: (lastPoller = reused(lastPoller, {
      pacing: (lastPacing = reused(lastPacing, {
        chattingMs: positive('chattingIntervalMs', config.chattingIntervalMs, 500),
        waitingMs: positive('waitingIntervalMs', config.waitingIntervalMs, 2000),
        keepAliveFraction: fraction,
        minKeepAliveMs: positive('minKeepAliveMs', config.minKeepAliveMs, 1000),
        defaultChatTimeoutS: positive('defaultChatTimeoutS', config.defaultChatTimeoutS, requestedTimeoutS ?? 40),
        idleGrowth,
        ...(config.idleCeilingMs === undefined ? {} : { idleCeilingMs: positive('idleCeilingMs', config.idleCeilingMs, 3500) }),
        ...(config.idleSpread === false ? { idleSpread: false } : {}),
      })),
      backoff: (lastBackoff = reused(lastBackoff, {
        baseMs: positive('backoffBaseMs', config.backoffBaseMs, 500),
        factor: positive('backoffFactor', config.backoffFactor, 2),
        maxMs: positive('backoffMaxMs', config.backoffMaxMs, 30_000),
      })),
      random: config.random ?? Math.random,
      scheduler: config.scheduler ?? pollClock,
      onPoll: config.onPoll,
      gate: gateOf(client, positiveInteger('maxPollsInFlight', config.maxPollsInFlight, 64)),
    })),
    graceMs: nonNegative('lastSubscriberGraceMs', config.lastSubscriberGraceMs, 100),
    eventLogLimit,
    maxCommandAttempts: positive('maxCommandAttempts', config.maxCommandAttempts, 5),
    reconcileWindowMs: nonNegative('reconcileWindowMs', config.reconcileWindowMs, 2000),
    keepConversationsAlive: config.keepConversationsAlive ?? false,
    interactionTimeoutS: config.interactionTimeoutS,
    skillMap: config.skillMap ?? NO_SKILL_MAP,
    now: config.now ?? Date.now,
    relay: config.relay,
    onConversationEnd: config.onConversationEnd,
    csat: checkCsatOptions(config.csat),
  }
  return (lastResolved = reused(lastResolved, resolved))
}

// The gate protects a client's connection pool, so the connections on one client with one limit share it
// (a socket's private connection, a gateway's per consumer): a gate each let every socket queue its polls.
const gates = new WeakMap<object, Map<number, PollGate>>()

function gateOf(client: object | undefined, limit: number): PollGate {
  if (client === undefined) return new PollGate(limit)
  const mine = gates.get(client) ?? new Map<number, PollGate>()
  gates.set(client, mine)
  const gate = mine.get(limit) ?? new PollGate(limit)
  mine.set(limit, gate)
  return gate
}

// The pacing, backoff and poller options last resolved, shared by the connections that resolve equal
// ones (every socket of a gateway, as a rule): 200 bytes a connection otherwise, as the conditional
// spread gives each pacing object a map of its own. One of each is kept, so the memo stays bounded.
let lastPacing: ChatPollerOptions['pacing'] | undefined
let lastBackoff: ChatPollerOptions['backoff'] | undefined
let lastPoller: ChatPollerOptions | undefined
// The whole options last resolved, shared likewise (every socket's private connection, a gateway's one per
// consumer): 128 bytes a connection otherwise. The store is each connection's own (`ConnectionEvents.store`).
let lastResolved: ResolvedConnectionOptions | undefined

function reused<T extends object>(last: T | undefined, next: T): T {
  if (last === undefined) return next
  const keys = Object.keys(next) as (keyof T)[]
  return keys.length === Object.keys(last).length && keys.every((key) => Object.is(last[key], next[key])) ? last : next
}

// Shared by every connection given none (one empty object each cost a socket's connection 56 bytes).
const NO_SKILL_MAP: Readonly<Record<string, string>> = Object.freeze({})

function invalid(name: keyof ConnectionOptions, rule: string, value: unknown, example: string): AdapterError {
  return new AdapterError('E_INVALID_CONFIG', `${name} must be ${rule}, e.g. { ${name}: ${example} } as the options of new Connection(client, options) or createMessagingSocket(options); got ${String(value)}`)
}

/** @deprecated The old name of {@link ConnectionOptions}: option bags are `XxxOptions` throughout chatbridge. */
export type ConnectionConfig = ConnectionOptions
