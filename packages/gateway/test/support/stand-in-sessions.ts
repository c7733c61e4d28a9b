// A stand-in for the Messaging engine behind the gateway: enough of the protocol to drive the gateway's tests.
import type { ConsumerIdentity, GatewaySession, SessionContext, SessionFactory, SessionSink } from '../../src/index.js'

interface RequestFrame {
  readonly id: string | number
  readonly type: string
  readonly body?: unknown
  readonly headers?: readonly unknown[]
}

function asRequest(text: string): RequestFrame | undefined {
  try {
    const frame = JSON.parse(text) as Record<string, unknown>
    const id = frame['id']
    if (frame['kind'] !== 'req' || typeof frame['type'] !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return undefined
    return frame as unknown as RequestFrame
  } catch {
    return undefined
  }
}

function jwtOf(headers: readonly unknown[] | undefined): string | undefined {
  const header = headers?.find(
    (entry): entry is { jwt: string } =>
      typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>)['type'] === '.ams.headers.ConsumerAuthentication',
  )
  return typeof header?.jwt === 'string' ? header.jwt : undefined
}

/** What the stand-in recorded, for tests to assert on. */
export interface StandInRecord {
  readonly opened: ConsumerIdentity[]
  closed: number
}

/**
 * Answers `GetClock` and `InitConnection` (verifying its ConsumerAuthentication JWT through
 * `context.verify`), refuses other requests with 401 until authenticated, and answers unknown types
 * with 400. `test.Flood { count, size }` sends that many notifications; `test.Throw` throws.
 */
export function standInSessions(record: StandInRecord = { opened: [], closed: 0 }): SessionFactory & { readonly record: StandInRecord } {
  return {
    record,
    open(sink: SessionSink, context: SessionContext): GatewaySession {
      let identity = context.consumer
      if (identity !== undefined) record.opened.push(identity)
      const respond = (reqId: string | number | null, code: number, type: string, body: unknown): void =>
        sink.send({ kind: 'resp', reqId, code, type, body })
      const initConnection = (request: RequestFrame): void => {
        const jwt = jwtOf(request.headers)
        if (jwt === undefined) return identity === undefined ? respond(request.id, 401, 'GenericResponse', 'no ConsumerAuthentication') : respond(request.id, 200, 'GenericResponse', 'OK')
        context.verify(jwt).then(
          (verified) => {
            identity = verified
            record.opened.push(verified)
            context.onAuthenticated(verified)
            respond(request.id, 200, 'GenericResponse', 'OK')
          },
          (error: Error) => {
            respond(request.id, 401, 'GenericResponse', error.message)
            sink.error(error)
          },
        )
      }
      return {
        receive(text) {
          const request = asRequest(text)
          if (request === undefined) return respond(null, 400, 'GenericResponse', 'not a request frame')
          if (request.type === 'InitConnection') return initConnection(request)
          if (request.type === 'GetClock') return respond(request.id, 200, 'GetClockResponse', { currentTime: Date.now() })
          if (identity === undefined) return respond(request.id, 401, 'GenericResponse', 'InitConnection first')
          if (request.type === 'test.Flood') {
            const { count, size } = request.body as { count: number; size: number }
            const filler = 'x'.repeat(size)
            for (let i = 0; i < count; i++) sink.send({ kind: 'notification', type: 'test.Filler', body: { changes: [filler] } })
            return
          }
          if (request.type === 'test.Throw') throw new Error('the session failed')
          respond(request.id, 400, 'GenericResponse', `request type "${request.type}" is not supported`)
        },
        close() {
          record.closed++
        },
      }
    },
  }
}
