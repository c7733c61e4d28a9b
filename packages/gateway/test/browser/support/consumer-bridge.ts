// Test-only: bridges browser WebSocket connections to the adapter's in-process Messaging socket,
// one MessagingSocket per consumer `sub` that outlives the connections, as the real gateway's
// consumer registry will. Request ids are made unique per connection so a response to a request of
// a connection that is gone never reaches the next one; the cqm subscriptions of a connection are
// dropped when it closes, and the dialog subscription is replaced by the next connection's.
import { createMessagingSocket, type ConnectionOptions, type MessagingSocket, type RequestId } from '@chatbridge/adapter'
import type { WebSocket } from 'ws'

/** Where the legacy chat is, and how fast to poll it. */
export interface LegacyTarget {
  readonly accountRoot: string
  readonly appKey: string
  readonly format?: 'json' | 'xml'
  readonly pacing?: ConnectionOptions
}

/** A request frame a browser sent, as the test gateway saw it. */
export interface SeenFrame {
  /** 1 for the first browser connection, 2 for the next, … */
  readonly connection: number
  readonly type: string
  readonly body: unknown
  readonly headers: readonly unknown[] | undefined
}

interface Consumer {
  readonly socket: MessagingSocket
  current: Connection | undefined
}

interface Connection {
  readonly number: number
  readonly ws: WebSocket
  readonly ids: Map<string, RequestId>
  readonly subscriptions: Set<string>
}

const JSON_FRAME = (text: string): Record<string, unknown> | undefined => {
  try {
    const frame: unknown = JSON.parse(text)
    return typeof frame === 'object' && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The consumers of one test gateway and their connections. */
export class ConsumerBridge {
  readonly frames: SeenFrame[] = []
  readonly #target: LegacyTarget
  readonly #consumers = new Map<string, Consumer>()
  readonly #open = new Set<WebSocket>()
  #connections = 0

  constructor(target: LegacyTarget) {
    this.#target = target
  }

  /** Takes a new browser connection: its first frame must be InitConnection with a consumer JWT. */
  accept(ws: WebSocket): void {
    const connection: Connection = { number: ++this.#connections, ws, ids: new Map(), subscriptions: new Set() }
    let consumer: Consumer | undefined
    this.#open.add(ws)
    ws.on('error', () => ws.terminate())
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? undefined : JSON_FRAME(data.toString('utf8'))
      if (frame === undefined || frame['kind'] !== 'req' || typeof frame['type'] !== 'string') return ws.close(1008, 'expected a request frame')
      const headers = Array.isArray(frame['headers']) ? (frame['headers'] as unknown[]) : undefined
      this.frames.push({ connection: connection.number, type: frame['type'], body: frame['body'], headers })
      if (consumer === undefined) {
        const sub = frame['type'] === 'InitConnection' ? subjectOf(headers) : undefined
        if (sub === undefined) return ws.close(4401, 'InitConnection with a consumer JWT first')
        consumer = this.#consumer(sub)
        if (consumer.current !== undefined) this.#detach(consumer, consumer.current)
        consumer.current = connection
      }
      const id = frame['id'] as RequestId
      const bridged = `${connection.number}:${String(id)}`
      connection.ids.set(bridged, id)
      void forward(consumer.socket, { ...frame, id: bridged })
    })
    ws.on('close', () => {
      this.#open.delete(ws)
      if (consumer?.current === connection) {
        this.#detach(consumer, connection)
        consumer.current = undefined
      }
    })
  }

  /** Closes every browser connection with `code` (e.g. 4401: the identity is no longer valid). */
  closeConnections(code: number, reason = ''): void {
    for (const ws of this.#open) ws.close(code, reason)
  }

  /** Closes every connection and every consumer's Messaging socket. */
  async close(): Promise<void> {
    for (const ws of this.#open) ws.terminate()
    const closing = [...this.#consumers.values()].map(({ socket }) => new Promise<void>((resolve) => (socket.readyState === 3 ? resolve() : (socket.once('close', () => resolve()), socket.close()))))
    this.#consumers.clear()
    await Promise.all(closing)
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
    const frame = JSON_FRAME(text)
    if (connection === undefined || frame === undefined || connection.ws.readyState !== connection.ws.OPEN) return
    if (frame['kind'] !== 'resp') return connection.ws.send(text)
    const original = connection.ids.get(String(frame['reqId']))
    // A response to an earlier connection's request (or to the bridge's own) is nobody's here.
    if (original === undefined) return
    connection.ids.delete(String(frame['reqId']))
    const body = frame['body'] as { subscriptionId?: unknown } | undefined
    if (frame['type'] === 'cqm.SubscribeExConversationsResponse' && typeof body?.subscriptionId === 'string') connection.subscriptions.add(body.subscriptionId)
    connection.ws.send(JSON.stringify({ ...frame, reqId: original }))
  }

  /** A connection left: its conversation-list subscriptions go with it. */
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

/** The `sub` of the JWT in InitConnection's ConsumerAuthentication header, read unverified (test-only). */
function subjectOf(headers: readonly unknown[] | undefined): string | undefined {
  const header = headers?.find((h): h is { jwt: string } => typeof h === 'object' && h !== null && (h as { type?: unknown }).type === '.ams.headers.ConsumerAuthentication' && typeof (h as { jwt?: unknown }).jwt === 'string')
  const payload = header?.jwt.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }
    return typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined
  } catch {
    return undefined
  }
}
