import { randomBytes } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChatAgent } from './agent-script.js'
import type { AgentStep } from './agent-step.js'
import { ApiError, apiErrors } from './api-error.js'
import type { LegacyChat } from './legacy-chat.js'
import { ChatStore } from './chat-store.js'
import type { Clock, ClockTimer } from './clock.js'
import { systemClock } from './clock.js'
import type { FaultControl, FaultPlan } from './faults.js'
import { FaultInjector } from './faults.js'
import type { QuirkSwitches } from './quirks.js'
import { defaultQuirks } from './quirks.js'
import { randomSeed, seededRandom } from './random.js'
import type { WireFormatName } from './representation.js'
import { contentTypes, negotiateFormat, parseRequestBody, serialize } from './representation.js'
import type { MutableLogEntry, RequestLogView } from './request-log.js'
import { RequestLog } from './request-log.js'
import type { RouteMatch } from './router.js'
import { matchRoute } from './router.js'
import type { Availability, Reply } from './routes.js'
import { handleRoute } from './routes.js'
import type { Output, TerminalFault } from './response-writer.js'
import { writeOutput } from './response-writer.js'
import { formatWireTime } from './wire-time.js'

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
  /** @deprecated Use `chatTimeoutS`; read only when `chatTimeoutS` is not given. */
  readonly chatTimeoutSeconds?: number
  /** Ms after which an ended chat is dropped (404 internalCode 12). Default 60 000; `null` keeps ended chats. */
  readonly dropEndedChatsAfterMs?: number | null
  /** Drives the agent side of every new chat: a timeline or a function such as {@link autoAgent}. Default: none (chats wait). */
  readonly agent?: ChatAgent | readonly AgentStep[]
  /** What the availability routes answer. Default `{ available: true, estimatedWaitTime: 0, availableSlots: -1 }`. */
  readonly availability?: Partial<Availability>
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
  const routeState = {
    store,
    clock,
    accountRoot,
    quirks: () => quirks,
    availability: () => availability,
    defaultChatTimeoutS: options.chatTimeoutS ?? options.chatTimeoutSeconds ?? 40,
  }

  const errorBody = (message: string, internalCode: number): Record<string, unknown> => ({
    error: { time: formatWireTime(clock.now(), utcOffsetMinutes), message, internalCode },
  })

  const toOutput = (reply: Reply, format: WireFormatName): Output => {
    const headers: Record<string, string> = { ...reply.headers }
    let body = ''
    if (reply.body !== undefined) {
      body = serialize(reply.body, format, quirks)
      headers['content-type'] = contentTypes[format]
    }
    return { status: reply.status, headers, body, format }
  }

  const errorOutput = (error: ApiError, format: WireFormatName): Output =>
    toOutput({ status: error.status, headers: error.headers, body: errorBody(error.message, error.internalCode) }, format)

  const authorized = (req: IncomingMessage, query: URLSearchParams): boolean => {
    const header = req.headers.authorization
    if (header !== undefined) {
      const match = /^LivePerson\s+appKey=(\S+)\s*$/i.exec(header)
      if (match?.[1] === appKey) return true
    }
    return query.get('appKey') === appKey
  }

  const apply = (req: IncomingMessage, method: string, uri: string, match: RouteMatch, query: URLSearchParams, body: unknown, bodyError: ApiError | undefined): Reply => {
    if (!authorized(req, query)) throw apiErrors.badAppKey()
    if (query.get('v') !== '1') throw apiErrors.badVersion()
    if (bodyError !== undefined) throw bodyError
    return handleRoute(routeState, { method, uri, match, query, body })
  }

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q < 0 ? url : url.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
    const override = req.headers['x-http-method-override']
    const method = req.method === 'POST' && typeof override === 'string' ? override.toUpperCase() : (req.method ?? 'GET')
    const match = matchRoute(pathname, accountId)
    const format = negotiateFormat(req.headers.accept, match.suffixFormat)
    let body: unknown
    let bodyError: ApiError | undefined
    try {
      body = parseRequestBody(raw, req.headers['content-type'])
    } catch (error) {
      bodyError = error instanceof ApiError ? error : apiErrors.malformedBody('unparseable')
    }
    const plan: FaultPlan = faults.plan({ method, route: match.route, chatId: match.chatId, path: pathname, query, headers: req.headers, body })
    const fault = plan.fault?.kind ?? (plan.latencyMs > 0 ? 'latency' : undefined)
    const entry = log.add(
      { time: clock.now(), method: req.method ?? 'GET', effectiveMethod: method, path: pathname, route: match.route, chatId: match.chatId, status: undefined, fault },
      query,
      req.headers,
    )
    const proceed = (): void => {
      if (plan.fault?.kind === 'reset-before') return send(res, entry, { status: 0, headers: {}, body: '', format }, plan.fault)
      let output: Output
      if (plan.fault?.kind === 'status') {
        const { status, message, internalCode } = plan.fault
        const retryAfterS = plan.fault.retryAfterS ?? plan.fault.retryAfterSeconds
        const headers: Record<string, string> = retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) }
        output = toOutput({ status, headers, body: errorBody(message ?? `Injected failure (${status})`, internalCode ?? 0) }, format)
      } else {
        try {
          output = toOutput(apply(req, method, `${pathname}${q < 0 ? '' : url.slice(q)}`, match, query, body, bodyError), format)
        } catch (error) {
          output = errorOutput(error instanceof ApiError ? error : new ApiError(500, 'Internal server error', 0), format)
          if (!(error instanceof ApiError)) console.error('legacy chat server: unexpected error', error)
        }
      }
      send(res, entry, output, plan.fault)
    }
    if (plan.latencyMs > 0) {
      const timer = clock.setTimer(() => {
        pendingTimers.delete(timer)
        proceed()
      }, plan.latencyMs)
      pendingTimers.add(timer)
    } else {
      proceed()
    }
  }

  const send = (res: ServerResponse, entry: MutableLogEntry, output: Output, fault: TerminalFault | undefined): void => {
    const reset = fault?.kind === 'reset-before' || fault?.kind === 'reset-after'
    entry.status = reset ? 0 : output.status
    log.updated(entry)
    writeOutput(res, output, fault)
  }

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxRequestBytes) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => {
      if (tooLarge) {
        writeOutput(res, errorOutput(new ApiError(413, 'Request body too large', 0), 'json'), undefined)
        return
      }
      handle(req, res, chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8'))
    })
  })

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
