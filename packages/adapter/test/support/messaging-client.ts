/**
 * A Messaging Window API consumer written only from the protocol (messaging-model.md §1): it
 * sends request frames as JSON text through the browser `WebSocket` interface and reads response
 * and notification frames. It knows nothing of chatbridge beyond "something WebSocket-like".
 */
interface WebSocketLike {
  onopen: ((event: { type: string }) => void) | null
  onmessage: ((event: { type: string; data: string }) => void) | null
  onclose: ((event: { type: string; code: number; reason: string; wasClean: boolean }) => void) | null
  onerror: ((event: { type: string }) => void) | null
  readonly readyState: number
  send(text: string): void
  close(): void
}

/** A messaging change, as far as this client reads it. */
export interface MessagingChange {
  readonly sequence?: number
  readonly originatorId: string
  readonly originatorMetadata: { readonly id: string; readonly role: string }
  readonly event: { readonly type: string; readonly message?: string; readonly chatState?: string }
  readonly dialogId: string
  readonly metadata?: readonly unknown[]
}

/** A conversation change, as far as this client reads it. */
export interface ConversationChange {
  readonly type: 'UPSERT' | 'DELETE'
  readonly result: {
    readonly convId: string
    readonly conversationDetails: { readonly state: string; readonly stage: string; readonly closeReason?: string; readonly participants: readonly { id: string; role: string }[] }
  }
}

/** Any frame the server sends; `body` fields by frame type. */
export interface Frame {
  readonly kind: string
  readonly type: string
  readonly reqId?: string | number
  readonly code?: number
  readonly body: {
    readonly subscriptionId?: string
    readonly conversationId?: string
    readonly currentTime?: number
    readonly sequence?: number
    readonly changes?: readonly unknown[]
  }
}

export class MessagingClient {
  readonly frames: Frame[] = []
  readonly #socket: WebSocketLike
  readonly #waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = []
  readonly opened: Promise<void>
  readonly closed: Promise<number>

  constructor(socket: WebSocketLike) {
    this.#socket = socket
    this.opened = new Promise((resolve) => (socket.onopen = () => resolve()))
    this.closed = new Promise((resolve) => (socket.onclose = (event) => resolve(event.code)))
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data) as Frame
      this.frames.push(frame)
      for (const waiter of [...this.#waiters]) {
        if (waiter.predicate(frame)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          waiter.resolve(frame)
        }
      }
    }
  }

  /** Sends a request and resolves with its response. */
  request(id: string | number, type: string, body: unknown = {}, headers?: unknown[]): Promise<Frame> {
    const response = this.next((frame) => frame.kind === 'resp' && frame.reqId === id)
    this.#socket.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    return response
  }

  /** The first frame, received already or later, that matches. */
  next(predicate: (frame: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(predicate)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }))
  }

  /** Every `ms.MessagingEventNotification` change so far. */
  messagingChanges(): MessagingChange[] {
    return this.frames.filter((f) => f.type === 'ms.MessagingEventNotification').flatMap((f) => (f.body.changes ?? []) as MessagingChange[])
  }

  /** The first messaging change, received already or later, that matches. */
  async change(predicate: (change: MessagingChange) => boolean): Promise<MessagingChange> {
    const changes = (f: Frame): MessagingChange[] => (f.type === 'ms.MessagingEventNotification' ? ((f.body.changes ?? []) as MessagingChange[]) : [])
    const frame = await this.next((f) => changes(f).some(predicate))
    return changes(frame).find(predicate)!
  }

  /** The first `cqm.ExConversationChangeNotification` with a change that matches. */
  conversationNotification(predicate: (change: ConversationChange) => boolean): Promise<Frame> {
    return this.next((f) => f.type === 'cqm.ExConversationChangeNotification' && ((f.body.changes ?? []) as ConversationChange[]).some(predicate))
  }

  close(): void {
    this.#socket.close()
  }
}
