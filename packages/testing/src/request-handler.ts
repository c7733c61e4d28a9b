// A server's HTTP face (createRequestHandler): reads a request, checks the app key and version,
// applies the faults and the route, and writes the answer in the negotiated format.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError, apiErrors } from './api-error.js'
import type { Clock, ClockTimer } from './clock.js'
import type { FaultInjector, FaultPlan } from './faults.js'
import type { QuirkSwitches } from './quirks.js'
import type { WireFormatName } from './representation.js'
import { contentTypes, negotiateFormat, parseRequestBody, serialize } from './representation.js'
import type { MutableLogEntry, RequestLog } from './request-log.js'
import type { Output, TerminalFault } from './response-writer.js'
import { writeOutput } from './response-writer.js'
import type { RouteMatch } from './router.js'
import { matchRoute } from './router.js'
import type { Reply, RouteState } from './routes.js'
import { handleRoute } from './routes.js'
import { formatWireTime } from './wire-time.js'

/** What the request handler reads of its server, resolved once at start. */
export interface RequestHandlerContext {
  readonly clock: Clock
  readonly appKey: string
  readonly accountId: string
  /** Largest request body accepted, in bytes (413 above). */
  readonly maxRequestBytes: number
  readonly utcOffsetMinutes: number
  /** The quirk switches in force now (they change with `setQuirks`). */
  readonly quirks: () => QuirkSwitches
  readonly faults: FaultInjector
  readonly log: RequestLog
  readonly routes: RouteState
  /** Timers of delayed (latency-faulted) answers; the server cancels them on close. */
  readonly pendingTimers: Set<ClockTimer>
}

/** The `request` listener of a server's `http.Server`. */
export function createRequestHandler(context: RequestHandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { clock, appKey, accountId, maxRequestBytes, utcOffsetMinutes, faults, log, pendingTimers } = context

  const errorBody = (message: string, internalCode: number): Record<string, unknown> => ({
    error: { time: formatWireTime(clock.now(), utcOffsetMinutes), message, internalCode },
  })

  const toOutput = (reply: Reply, format: WireFormatName): Output => {
    const headers: Record<string, string> = { ...reply.headers }
    let body = ''
    if (reply.body !== undefined) {
      body = serialize(reply.body, format, context.quirks())
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
    return handleRoute(context.routes, { method, uri, match, query, body })
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
        const retryAfterS = plan.fault.retryAfterS
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

  return (req: IncomingMessage, res: ServerResponse) => {
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
  }
}
