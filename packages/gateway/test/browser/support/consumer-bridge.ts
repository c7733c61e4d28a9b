// Test-only: the gateway's SessionFactory port bridged to the adapter's in-process Messaging socket,
// one MessagingSocket per verified consumer `sub` that outlives the gateway's sockets, as the
// gateway's own consumer registry does once it is wired to the adapter (then the browser test
// passes `legacy:` to startGateway instead of these `sessions:`). Request ids are made unique per
// socket so a response to a request of a socket that is gone never reaches the next one; the cqm
// subscriptions of a socket are dropped when it closes, and the dialog subscription is replaced by
// the next socket's.
import { createMessagingSocket, type ConnectionOptions, type MessagingSocket, type RequestId } from '@chatbridge/adapter'
import type { ConsumerIdentity, GatewaySession, SessionContext, SessionFactory, SessionSink } from '../../../src/index.js'

/** Where the legacy chat is, and how fast to poll it. */
export interface LegacyTarget {
  readonly accountRoot: string
  readonly appKey: string
  readonly format?: 'json' | 'xml'
  readonly pacing?: ConnectionOptions
}

interface Consumer {
  readonly socket: MessagingSocket
  current: Connection | undefined
}

interface Connection {
  readonly sink: SessionSink
  readonly ids: Map<string, RequestId>
  readonly subscriptions: Set<string>
  open: boolean
}

const asObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const frame: unknown = JSON.parse(text)
    return typeof frame === 'object' && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** Sessions of the gateway on the adapter's in-process socket, one per consumer; `close()` ends them all. */
export class ConsumerBridge implements SessionFactory {
  readonly #target: LegacyTarget
  readonly #consumers = new Map<string, Consumer>()
  #sockets = 0

  constructor(target: LegacyTarget) {
    this.#target = target
  }

  /** A gateway socket opened: its first frame must be InitConnection with a consumer JWT (or the upgrade carried one). */
  open(sink: SessionSink, context: SessionContext): GatewaySession {
    const connection: Connection = { sink, ids: new Map(), subscriptions: new Set(), open: true }
    const number = ++this.#sockets
    let consumer: Promise<Consumer> | undefined = context.consumer === undefined ? undefined : Promise.resolve(this.#attach(context.consumer, connection))
    // Frames wait for the identity in order: InitConnection's verification is asynchronous.
    let queue = Promise.resolve()
    return {
      receive: (text) => {
        const frame = asObject(text)
        if (frame === undefined || frame['kind'] !== 'req' || typeof frame['type'] !== 'string') {
          return sink.send({ kind: 'resp', reqId: null, code: 400, type: 'GenericResponse', body: 'expected a request frame' })
        }
        if (consumer === undefined) {
          const jwt = frame['type'] === 'InitConnection' ? jwtOf(frame['headers']) : undefined
          if (jwt === undefined) return sink.send({ kind: 'resp', reqId: frame['id'] ?? null, code: 401, type: 'GenericResponse', body: 'InitConnection first' })
          consumer = context.verify(jwt).then((identity) => {
            context.onAuthenticated(identity)
            return this.#attach(identity, connection)
          })
          consumer.catch((error: Error) => sink.error(error))
        }
        const id = frame['id'] as RequestId
        const bridged = `${number}:${String(id)}`
        connection.ids.set(bridged, id)
        const ready = consumer
        queue = queue.then(async () => forward((await ready).socket, { ...frame, id: bridged })).catch(() => undefined)
      },
      close: () => {
        connection.open = false
        void consumer?.then((owner) => {
          if (owner.current !== connection) return
          this.#detach(owner, connection)
          owner.current = undefined
        }, () => undefined)
      },
    }
  }

  /** Closes every consumer's Messaging socket (after the gateway closed its sockets). */
  async close(): Promise<void> {
    const closing = [...this.#consumers.values()].map(
      ({ socket }) => new Promise<void>((resolve) => (socket.readyState === 3 ? resolve() : (socket.once('close', () => resolve()), socket.close()))),
    )
    this.#consumers.clear()
    await Promise.all(closing)
  }

  #attach(identity: ConsumerIdentity, connection: Connection): Consumer {
    const consumer = this.#consumer(identity.consumerId)
    if (consumer.current !== undefined) this.#detach(consumer, consumer.current)
    consumer.current = connection
    return consumer
  }

  #consumer(sub: string): Consumer {
    const existing = this.#consumers.get(sub)
    if (existing !== undefined) return existing
    const { accountRoot, appKey, format, pacing } = this.#target
    const socket = createMessagingSocket({ accountRoot, appKey, ...(format === undefined ? {} : { format }), ...pacing })
    const consumer: Consumer = { socket, current: undefined }
    socket.on('message', (text) => this.#deliver(consumer, text))
    socket.on('error', () => undefined)
    this.#consumers.set(sub, consumer)
    return consumer
  }

  #deliver(consumer: Consumer, text: string): void {
    const connection = consumer.current
    const frame = asObject(text)
    if (connection === undefined || !connection.open || frame === undefined) return
    if (frame['kind'] !== 'resp') return connection.sink.send(frame)
    const original = connection.ids.get(String(frame['reqId']))
    // A response to an earlier socket's request (or to the bridge's own) is nobody's here.
    if (original === undefined) return
    connection.ids.delete(String(frame['reqId']))
    const body = frame['body'] as { subscriptionId?: unknown } | undefined
    if (frame['type'] === 'cqm.SubscribeExConversationsResponse' && typeof body?.subscriptionId === 'string') connection.subscriptions.add(body.subscriptionId)
    connection.sink.send({ ...frame, reqId: original })
  }

  /** A socket left: its conversation-list subscriptions go with it. */
  #detach(consumer: Consumer, connection: Connection): void {
    for (const subscriptionId of connection.subscriptions) {
      void forward(consumer.socket, { kind: 'req', id: `bridge:${subscriptionId}`, type: 'cqm.UnsubscribeExConversations', body: { subscriptionId } })
    }
    connection.subscriptions.clear()
  }
}

/** Sends a frame once the in-process socket is open (it opens on the next microtask). */
async function forward(socket: MessagingSocket, frame: Record<string, unknown>): Promise<void> {
  if (socket.readyState === 0) await new Promise<void>((resolve) => socket.once('open', () => resolve()))
  socket.send(JSON.stringify(frame))
}

/** The JWT of InitConnection's ConsumerAuthentication header. */
function jwtOf(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return undefined
  const header = (headers as unknown[]).find(
    (h): h is { jwt: string } =>
      typeof h === 'object' && h !== null && (h as { type?: unknown }).type === '.ams.headers.ConsumerAuthentication' && typeof (h as { jwt?: unknown }).jwt === 'string',
  )
  return header?.jwt
}
