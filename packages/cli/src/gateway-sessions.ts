// The sessions `chatbridge gateway` gives the gateway, until the gateway takes the legacy account
// itself (`startGateway({ legacy })`): each socket's session on its own in-process Messaging socket,
// so conversations belong to the socket, not yet to the consumer.
import { createMessagingSocket } from '@chatbridge/adapter'
import type { ConnectionOptions, MessagingSocket } from '@chatbridge/adapter'
import type { GatewayOptions, SessionFactory } from '@chatbridge/gateway'
import type { LegacyTarget } from './arguments.js'

/** What the gateway is given to reach the legacy account `target`. */
export function legacyOptions(target: LegacyTarget, connection: ConnectionOptions): Pick<GatewayOptions, 'sessions'> {
  // Once startGateway is wired to the adapter this is `{ legacy: { ...target, connection }, abandonAfterMs }`.
  return { sessions: socketSessions(target, connection) }
}

function socketSessions(target: LegacyTarget, connection: ConnectionOptions): SessionFactory {
  return {
    open(sink, context) {
      const socket = createMessagingSocket({ ...target, ...connection })
      socket.on('message', (text) => sink.send(JSON.parse(text) as object))
      socket.on('error', () => undefined)
      let identity = context.consumer === undefined ? undefined : Promise.resolve()
      // Frames wait in order for InitConnection's (asynchronous) verification.
      let queue = Promise.resolve()
      return {
        receive(text) {
          const frame = requestOf(text)
          if (identity === undefined) {
            const jwt = frame?.type === 'InitConnection' ? jwtOf(frame.headers) : undefined
            if (jwt === undefined) return sink.send({ kind: 'resp', reqId: frame?.id ?? null, code: 401, type: 'GenericResponse', body: 'InitConnection with a ConsumerAuthentication jwt first' })
            identity = context.verify(jwt).then(context.onAuthenticated)
            identity.catch((error: Error) => sink.error(error))
          }
          const verified = identity
          queue = queue.then(async () => {
            await verified
            await forward(socket, text)
          }).catch(() => undefined)
        },
        close() {
          socket.close()
        },
      }
    },
  }
}

async function forward(socket: MessagingSocket, text: string): Promise<void> {
  if (socket.readyState === socket.CONNECTING) await new Promise<void>((resolve) => socket.once('open', () => resolve()))
  if (socket.readyState === socket.OPEN) socket.send(text)
}

function requestOf(text: string): { id?: string | number; type?: unknown; headers?: unknown } | undefined {
  try {
    const frame: unknown = JSON.parse(text)
    return typeof frame === 'object' && frame !== null ? (frame) : undefined
  } catch {
    return undefined
  }
}

function jwtOf(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return undefined
  for (const header of headers as unknown[]) {
    const { type, jwt } = (typeof header === 'object' && header !== null ? header : {}) as { type?: unknown; jwt?: unknown }
    if (type === '.ams.headers.ConsumerAuthentication' && typeof jwt === 'string') return jwt
  }
  return undefined
}
