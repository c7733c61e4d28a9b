import { LegacyChatClient, type LegacyChatClientOptions } from '@chatbridge/core'
import { EventEmitter } from 'eventemitter3'
import { Subscription } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { Connection, type ConversationField } from './connection.js'
import type { ConnectionConfig } from './connection-config.js'
import { consumerIdFromHeaders } from './consumer-id.js'
import { asRequest, conversationRequest, messageOf, optionalString, statusOf } from './socket-frames.js'
import type { ChatClientPort } from './legacy-contract.js'
import type { ExConversationChange, MessagingEvent, NotificationFrame, RequestFrame, RequestId, ResponseFrame, ServerFrame } from './messaging-types.js'

/** Options of {@link createMessagingSocket}: where the legacy chat is, plus {@link ConnectionConfig}. */
export interface MessagingSocketOptions extends ConnectionConfig {
  /** The account root, `https://{domain}/api/account/{accountId}`. */
  readonly accountRoot: string | URL
  /** The app key; sent to the account's origin only, never in a frame or an error. */
  readonly appKey: string
  /** Wire format of the legacy API; default `'json'`. */
  readonly format?: 'json' | 'xml'
  /** Further options of core's `LegacyChatClient` (dispatcher, timeouts, …). */
  readonly clientOptions?: Omit<LegacyChatClientOptions, 'accountRoot' | 'appKey' | 'format'>
  /** Also send `chatbridge.LegacyEventNotification`s for legacy events of unknown type; default false. */
  readonly emitLegacyEvents?: boolean
}

/** The `ws`-style events: `'message'` carries one frame as JSON text. */
export interface MessagingSocketEvents {
  open: []
  message: [data: string]
  error: [error: Error]
  close: [code: number, reason: string]
}

/**
 * The browser-style events passed to `onopen`, `onmessage`, … and `addEventListener` listeners.
 * Typed as the least a listener may rely on (as the DOM's `Event`, `MessageEvent`, `CloseEvent`
 * offer it), so this socket fits wherever a `WebSocket`-like object is typed; at run time each
 * event also carries `target` (the socket), and error events carry `error`.
 */
export interface SocketEventMap {
  open: { readonly type: string }
  message: { readonly type: string; readonly data: string }
  error: { readonly type: string; readonly message?: string; readonly error?: unknown }
  close: { readonly type: string; readonly code: number; readonly reason: string; readonly wasClean: boolean }
}

/** A listener of one event type. */
export type SocketListener<K extends keyof SocketEventMap> = (event: SocketEventMap[K]) => void


/**
 * A WebSocket-like Messaging Window API endpoint backed by legacy chat: code written for the
 * consumer protocol runs on legacy chat by swapping its socket for this one.
 *
 * `send(text)` takes one request frame as JSON; every request gets exactly one `resp` whose `reqId`
 * is the request's `id` unchanged, and notifications follow. Unsupported request types get
 * `code: 400` with a body that says why. It is both a `ws`-style emitter (`on('open' | 'message' |
 * 'error' | 'close')`) and a browser `WebSocket` (`onopen`, `onmessage({ data })`, `onclose`,
 * `onerror`, `addEventListener`).
 *
 * It does not speak the WebSocket wire protocol, and it does not verify JWTs (it reads `sub`).
 * Send `InitConnection` first, as Messaging clients do: its JWT names the consumer of the
 * conversations that follow.
 */
export class MessagingSocket extends EventEmitter<MessagingSocketEvents> {
  /** `readyState` before `'open'`, as `WebSocket.CONNECTING`. */
  static readonly CONNECTING = 0
  /** `readyState` while requests are taken, as `WebSocket.OPEN`. */
  static readonly OPEN = 1
  /** `readyState` while closing, as `WebSocket.CLOSING`. */
  static readonly CLOSING = 2
  /** `readyState` once closed, as `WebSocket.CLOSED`. */
  static readonly CLOSED = 3
  /** `readyState` before `'open'`, on instances as browsers have it. */
  readonly CONNECTING = 0
  /** `readyState` while requests are taken, on instances as browsers have it. */
  readonly OPEN = 1
  /** `readyState` while closing, on instances as browsers have it. */
  readonly CLOSING = 2
  /** `readyState` once closed, on instances as browsers have it. */
  readonly CLOSED = 3

  /** 0 connecting, 1 open, 2 closing, 3 closed — as `WebSocket.readyState`. */
  readyState: 0 | 1 | 2 | 3 = 0
  /** Called once the socket is open, as `WebSocket.onopen`; `null` for none. */
  onopen: SocketListener<'open'> | null = null
  /** Called with `{ data }` for each frame (JSON text), as `WebSocket.onmessage`. */
  onmessage: SocketListener<'message'> | null = null
  /** Called for a failure that ended polling for good, as `WebSocket.onerror`. */
  onerror: SocketListener<'error'> | null = null
  /** Called once with `{ code, reason }` when the socket closed, as `WebSocket.onclose`. */
  onclose: SocketListener<'close'> | null = null

  readonly #client: ChatClientPort
  readonly #config: ConnectionConfig
  readonly #ownsClient: boolean
  readonly #emitLegacyEvents: boolean
  readonly #listeners: { [K in keyof SocketEventMap]: Set<SocketListener<K>> } = { open: new Set(), message: new Set(), error: new Set(), close: new Set() }
  #connection: Connection | undefined
  #consumerId: string | undefined
  readonly #subscriptions = new Subscription()
  readonly #cqm = new Map<string, Subscription>()
  readonly #dialogs = new Map<string, Subscription>()
  #nextSubscription = 1

  /**
   * @param client core's `LegacyChatClient` (or a compatible one, e.g. a fake in tests).
   * @param options `ownsClient` (default false) closes the client with the socket.
   */
  constructor(
    client: ChatClientPort,
    config: ConnectionConfig & { readonly emitLegacyEvents?: boolean } = {},
    options: { readonly ownsClient?: boolean } = {},
  ) {
    super()
    this.#client = client
    this.#config = { keepConversationsAlive: true, ...config }
    this.#ownsClient = options.ownsClient ?? false
    this.#emitLegacyEvents = config.emitLegacyEvents ?? false
    // Open asynchronously, as a WebSocket does, so listeners attached right after construction hear it.
    queueMicrotask(() => {
      if (this.readyState !== 0) return
      this.readyState = 1
      this.#dispatch('open', { type: 'open' })
    })
  }

  /** Adds a browser-style listener. */
  addEventListener<K extends keyof SocketEventMap>(type: K, listener: SocketListener<K>): void {
    this.#listeners[type].add(listener)
  }

  /** Removes a browser-style listener. */
  removeEventListener<K extends keyof SocketEventMap>(type: K, listener: SocketListener<K>): void {
    this.#listeners[type].delete(listener)
  }

  /**
   * Sends one request frame (JSON text). Throws while connecting, as `WebSocket.send` does; ignored
   * once closing. Text that is not a request frame is answered with `code: 400` when it has an
   * `id`, else reported through `'error'`.
   */
  send(text: string): void {
    if (this.readyState === 0) throw new AdapterError('E_BAD_REQUEST', 'send() before the socket is open; wait for the open event')
    if (this.readyState !== 1) return
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      this.#error(new AdapterError('E_BAD_REQUEST', 'a frame that is not JSON was sent; no response is possible without an id'))
      return
    }
    const request = asRequest(frame)
    if (request === undefined) {
      const id = typeof frame === 'object' && frame !== null ? (frame as { id?: unknown }).id : undefined
      if (typeof id === 'string' || typeof id === 'number') this.#respond(id, 400, 'GenericResponse', 'not a request frame: expected { kind: "req", id, type, body }')
      else this.#error(new AdapterError('E_BAD_REQUEST', 'a frame without an id was sent; no response is possible'))
      return
    }
    this.#handle(request).then(
      ([code, type, body, after]) => {
        this.#respond(request.id, code, type, body)
        // Subscriptions start after their response is out, so replayed notifications follow it.
        after?.()
      },
      (error: unknown) => this.#respond(request.id, statusOf(error), 'GenericResponse', messageOf(error)),
    )
  }

  /**
   * Closes the socket: stops every subscription and poll loop, aborts requests in flight (their
   * responses are not sent), and emits `'close'` once done. Does not end the chats.
   */
  close(code = 1000, reason = ''): void {
    if (this.readyState === 2 || this.readyState === 3) return
    this.readyState = 2
    this.#subscriptions.unsubscribe()
    const connection = this.#connection
    const closing = connection === undefined ? (this.#ownsClient ? this.#client.close() : Promise.resolve()) : connection.close()
    closing
      .catch((error: unknown) => this.#error(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.readyState = 3
        this.#dispatch('close', { type: 'close', code, reason, wasClean: true })
        this.removeAllListeners()
      })
      .catch(() => undefined)
  }

  /**
   * The reactive connection behind the socket (created on first use), e.g. for `state$` and
   * `errors$`: polls that failed and are retried are reported there, not as socket `'error'`s,
   * since WebSocket code often treats an error as fatal. Throws `E_CLOSED` once the socket closes.
   */
  get connection(): Connection {
    if (this.#connection === undefined) {
      if (this.readyState > 1) throw new AdapterError('E_CLOSED', 'the socket is closed')
      this.#connection = new Connection(
        this.#client,
        { ...this.#config, ...(this.#consumerId === undefined ? {} : { consumerId: this.#consumerId }) },
        { ownsClient: this.#ownsClient },
      )
      if (this.#emitLegacyEvents) {
        this.#subscriptions.add(
          this.#connection.legacyEvents$().subscribe((record) =>
            this.#notify({ kind: 'notification', type: 'chatbridge.LegacyEventNotification', body: { changes: [record] } }),
          ),
        )
      }
    }
    return this.#connection
  }

  async #handle(request: RequestFrame): Promise<readonly [code: number, type: string, body: unknown, after?: () => void]> {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
    switch (request.type) {
      case 'InitConnection': {
        const sub = consumerIdFromHeaders(request.headers) ?? consumerIdFromHeaders(body['headers'])
        if (sub !== undefined && this.#connection === undefined) this.#consumerId = sub
        return [200, 'GenericResponse', 'OK']
      }
      case 'GetClock':
        return [200, 'GetClockResponse', { currentTime: (this.#config.now ?? Date.now)() }]
      case 'userprofile.SetUserProfile':
        await this.connection.setUserProfile({ ...optionalString('firstName', body['firstName']), ...optionalString('lastName', body['lastName']) })
        return [200, 'GenericResponse', 'OK']
      case 'cm.ConsumerRequestConversation': {
        const { conversationId } = await this.connection.requestConversation(conversationRequest(body))
        return [200, 'cm.RequestConversationResponse', { conversationId }]
      }
      case 'cqm.SubscribeExConversations': {
        const subscriptionId = `chatbridge-sub-${this.#nextSubscription++}`
        return [200, 'cqm.SubscribeExConversationsResponse', { subscriptionId }, () => this.#subscribeConversations(subscriptionId, body)]
      }
      case 'cqm.UnsubscribeExConversations': {
        const id = String(body['subscriptionId'])
        this.#cqm.get(id)?.unsubscribe()
        this.#cqm.delete(id)
        return [200, 'GenericResponse', 'OK']
      }
      case 'ms.SubscribeMessagingEvents': {
        const dialogId = body['dialogId'] ?? body['conversationId']
        if (typeof dialogId !== 'string' || dialogId === '') return [400, 'GenericResponse', 'ms.SubscribeMessagingEvents needs body.dialogId']
        const fromSeq = Number(body['fromSeq'] ?? 0)
        if (!Number.isInteger(fromSeq) || fromSeq < 0) return [400, 'GenericResponse', 'ms.SubscribeMessagingEvents fromSeq must be a non-negative integer']
        return [200, 'GenericSubscribeResponse', 'OK', () => this.#subscribeDialog(dialogId, fromSeq)]
      }
      case 'ms.PublishEvent': {
        const dialogId = body['dialogId'] ?? body['conversationId']
        if (typeof dialogId !== 'string' || dialogId === '') return [400, 'GenericResponse', 'ms.PublishEvent needs body.dialogId']
        const event = body['event']
        if (typeof event !== 'object' || event === null) return [400, 'GenericResponse', 'ms.PublishEvent needs body.event']
        const { sequence } = await this.connection.publishEvent(dialogId, event as MessagingEvent)
        return [200, 'ms.PublishEventResponse', { sequence }]
      }
      case 'cm.UpdateConversationField': {
        const conversationId = body['conversationId']
        if (typeof conversationId !== 'string' || conversationId === '') return [400, 'GenericResponse', 'cm.UpdateConversationField needs body.conversationId']
        const field = body['conversationField']
        if (typeof field !== 'object' || field === null) return [400, 'GenericResponse', 'cm.UpdateConversationField needs body.conversationField']
        await this.connection.updateConversationField(conversationId, field as ConversationField | readonly ConversationField[])
        return [200, 'GenericResponse', 'OK']
      }
      default:
        return [400, 'GenericResponse', `request type "${request.type}" is not supported by the legacy chat transport`]
    }
  }

  #subscribeConversations(subscriptionId: string, body: Record<string, unknown>): void {
    const states = Array.isArray(body['convState']) ? (body['convState'] as unknown[]) : undefined
    const minTime = typeof body['minLastUpdatedTime'] === 'number' ? body['minLastUpdatedTime'] : undefined
    if (this.readyState !== 1) return
    const connection = this.connection
    // What the stream replays while subscribing is the existing conversations: they make the first
    // notification (filtered by convState; possibly empty). Later changes go out as they come,
    // unfiltered, so a client watching OPEN conversations still hears them close.
    const existing: ExConversationChange[] = []
    const subscription = new Subscription()
    let initial = true
    subscription.add(
      connection.conversations$().subscribe((change) => {
        if (initial) existing.push(change)
        else this.#notify({ kind: 'notification', type: 'cqm.ExConversationChangeNotification', body: { subscriptionId, changes: [change] } })
      }),
    )
    initial = false
    const listed = existing.filter(
      (change) =>
        (states === undefined || states.includes(change.result.conversationDetails.state)) && (minTime === undefined || change.result.lastUpdateTime >= minTime),
    )
    this.#notify({ kind: 'notification', type: 'cqm.ExConversationChangeNotification', body: { subscriptionId, changes: listed } })
    this.#cqm.set(subscriptionId, subscription)
    this.#subscriptions.add(subscription)
  }

  #subscribeDialog(dialogId: string, fromSeq: number): void {
    if (this.readyState !== 1) return
    this.#dialogs.get(dialogId)?.unsubscribe()
    const subscription = this.connection.messagingEvents$(dialogId, { fromSeq }).subscribe({
      next: (change) => this.#notify({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: [change] } }),
      error: (error: unknown) => this.#error(error instanceof Error ? error : new Error(String(error))),
    })
    this.#dialogs.set(dialogId, subscription)
    this.#subscriptions.add(subscription)
  }

  #respond(reqId: RequestId, code: number, type: string, body: unknown): void {
    const frame: ResponseFrame = { kind: 'resp', reqId, code, type, body }
    this.#send(frame)
  }

  #notify(frame: NotificationFrame): void {
    this.#send(frame)
  }

  #send(frame: ServerFrame): void {
    if (this.readyState !== 1) return
    const data = JSON.stringify(frame)
    this.#dispatch('message', { type: 'message', data })
  }

  #error(error: Error): void {
    if (this.readyState === 3) return
    this.#dispatch('error', { type: 'error', error, message: error.message })
  }

  #dispatch(type: 'open', event: SocketEventMap['open']): void
  #dispatch(type: 'message', event: SocketEventMap['message']): void
  #dispatch(type: 'error', event: SocketEventMap['error'] & { readonly error: Error }): void
  #dispatch(type: 'close', event: SocketEventMap['close']): void
  #dispatch(type: keyof SocketEventMap, event: SocketEventMap[keyof SocketEventMap]): void {
    // Browser-style listeners get the event with its target, as DOM events have one.
    const domEvent = { ...event, target: this }
    const handler = this[`on${type}`] as ((event: unknown) => void) | null
    handler?.call(this, domEvent)
    for (const listener of this.#listeners[type] as Set<(event: unknown) => void>) listener.call(this, domEvent)
    if ('data' in event) this.emit('message', event.data)
    else if ('code' in event) this.emit('close', event.code, event.reason)
    else if (type === 'error') this.emit('error', (event as { readonly error: Error }).error)
    else this.emit('open')
  }
}

/**
 * Creates a Messaging socket on the legacy chat of `accountRoot`; it owns its `LegacyChatClient`
 * and closes it on `close()`.
 *
 * @example
 * const socket = createMessagingSocket({ accountRoot: 'https://va.example/api/account/123', appKey, format: 'json' })
 * socket.on('open', () => socket.send(JSON.stringify({ kind: 'req', id: 1, type: 'GetClock', body: {} })))
 * socket.on('message', (text) => console.log(JSON.parse(text)))
 */
export function createMessagingSocket(options: MessagingSocketOptions): MessagingSocket {
  const { accountRoot, appKey, format, clientOptions, ...config } = options
  const client = new LegacyChatClient({ ...clientOptions, accountRoot, appKey, ...(format === undefined ? {} : { format }) })
  return new MessagingSocket(client, config, { ownsClient: true })
}
