/**
 * The in-process Messaging socket: a WebSocket-like shell (ready state, `on*`, listeners, dispatch)
 * over a {@link SocketSession}, which answers the requests, and a private `Connection`.
 */
import { LegacyChatClient, type LegacyChatClientOptions } from '@chatbridge/core'
import { EventEmitter } from 'eventemitter3'
import { AdapterError } from './adapter-error.js'
import type { Connection } from './connection.js'
import { type ConnectionOptions, resolveConnectionOptions } from './connection-options.js'
import type { ChatClientPort } from './legacy-contract.js'
import type { ServerFrame } from './messaging-types.js'
import type { MessagingSocketEvents, SocketEventMap, SocketHandlers, SocketListener } from './socket-events.js'
import { PrivateConnection } from './requests/private-connection.js'
import { asError } from './requests/request-failure.js'
import { type SessionSink, SocketSession, type SocketSessionOptions } from './requests/socket-session.js'

/** Options of {@link createMessagingSocket}: where the legacy chat is, plus {@link ConnectionOptions}. */
export interface MessagingSocketOptions extends ConnectionOptions {
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
 * Requests are answered by a {@link SocketSession} on a `Connection` of the socket's own; a server
 * carrying frames over a real WebSocket uses the same session.
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
  // These and the `on*` handlers are on the prototype (see the static block), as browsers have them
  // (`WebSocket.prototype.OPEN`, accessors for `onopen`…): not fields of every socket.
  /** `readyState` before `'open'`, on instances as browsers have it. */
  declare readonly CONNECTING: 0
  /** `readyState` while requests are taken, on instances as browsers have it. */
  declare readonly OPEN: 1
  /** `readyState` while closing, on instances as browsers have it. */
  declare readonly CLOSING: 2
  /** `readyState` once closed, on instances as browsers have it. */
  declare readonly CLOSED: 3

  /** 0 connecting, 1 open, 2 closing, 3 closed — as `WebSocket.readyState`. */
  readyState: 0 | 1 | 2 | 3 = 0
  /** Called once the socket is open, as `WebSocket.onopen`; `null` for none (setting a non-function sets `null`). */
  declare onopen: SocketListener<'open'> | null
  /** Called with `{ data }` for each frame (JSON text), as `WebSocket.onmessage`. */
  declare onmessage: SocketListener<'message'> | null
  /** Called for a failure that ended polling for good, as `WebSocket.onerror`. */
  declare onerror: SocketListener<'error'> | null
  /** Called once with `{ code, reason }` when the socket closed, as `WebSocket.onclose`. */
  declare onclose: SocketListener<'close'> | null

  // The `on*` handlers and listener sets, made with the first: most sockets are heard through `on()` only.
  #heard: SocketHandlers | undefined
  // The socket's private connection, and its session's configuration and sink, in one object.
  readonly #connections: PrivateConnection
  readonly #session: SocketSession

  /**
   * Throws at once when `config` is invalid (the message shows a correct value), not at the first request.
   * @param client core's `LegacyChatClient` (or a compatible one, e.g. a fake in tests).
   * @param options `ownsClient` (default false) closes the client with the socket.
   */
  constructor(
    client: ChatClientPort,
    config: ConnectionOptions & { readonly emitLegacyEvents?: boolean } = {},
    options: { readonly ownsClient?: boolean } = {},
  ) {
    super()
    const { emitLegacyEvents, ...connectionConfig } = config
    const resolved: ConnectionOptions = { keepConversationsAlive: true, ...connectionConfig }
    resolveConnectionOptions(resolved)
    const ends = new MessagingSocket.#Ends(client, resolved, options.ownsClient ?? false, this, emitLegacyEvents, config.now)
    this.#connections = ends
    this.#session = new SocketSession(ends, ends)
    // Open asynchronously, as a WebSocket does, so listeners attached right after construction hear it.
    queueMicrotask(() => {
      if (this.readyState !== 0) return
      this.readyState = 1
      this.dispatch('open', { type: 'open' })
    })
  }

  /** Adds a browser-style listener. */
  addEventListener<K extends keyof SocketEventMap>(type: K, listener: SocketListener<K>): void {
    const listeners = ((this.#heard ??= {}).listeners ??= new Map<keyof SocketEventMap, Set<(event: never) => void>>())
    listeners.set(type, (listeners.get(type) ?? new Set()).add(listener))
  }

  /** Removes a browser-style listener. */
  removeEventListener<K extends keyof SocketEventMap>(type: K, listener: SocketListener<K>): void {
    this.#heard?.listeners?.get(type)?.delete(listener)
  }

  /**
   * Sends one request frame (JSON text). Throws while connecting, as `WebSocket.send` does; ignored
   * once closing. Text that is not a request frame is answered with `code: 400` when it has an
   * `id`, else reported through `'error'`.
   */
  send(text: string): void {
    if (this.readyState === 0) throw new AdapterError('E_BAD_REQUEST', 'send() before the socket is open; wait for the open event')
    if (this.readyState !== 1) return
    this.#session.receive(text)
  }

  /**
   * Closes the socket: stops every subscription and poll loop, aborts requests in flight (their
   * responses are not sent), and emits `'close'` once done. Does not end the chats.
   */
  close(code = 1000, reason = ''): void {
    if (this.readyState === 2 || this.readyState === 3) return
    this.readyState = 2
    this.#session.close()
    this.#connections
      .close()
      .catch((error: unknown) => this.reportError(asError(error, 'E_COMMAND_FAILED', 'closing the legacy client failed')))
      .finally(() => {
        this.readyState = 3
        this.dispatch('close', { type: 'close', code, reason, wasClean: true })
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
    return this.#session.connection
  }

  // The session's configuration and sink as one object of prototype methods (not five closures per
  // socket), declared in the class body to reach the socket's private members. It is the private
  // connection too (`connectionFor` is that one's): one object per socket where two cost 24 bytes more.
  static readonly #Ends = class SocketEnds extends PrivateConnection implements SocketSessionOptions, SessionSink {
    readonly #socket: MessagingSocket
    // Declared, not defined: set only when given (most sockets have neither), not two empty fields each.
    declare readonly emitLegacyEvents?: boolean
    declare readonly now?: () => number

    constructor(client: ChatClientPort, config: ConnectionOptions, ownsClient: boolean, socket: MessagingSocket, emitLegacyEvents: boolean | undefined, now: (() => number) | undefined) {
      super(client, config, ownsClient)
      this.#socket = socket
      if (emitLegacyEvents !== undefined) this.emitLegacyEvents = emitLegacyEvents
      if (now !== undefined) this.now = now
    }

    frame(frame: ServerFrame): void {
      this.#socket.sendFrame(frame)
    }

    error(error: Error): void {
      this.#socket.reportError(error)
    }
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private sendFrame(frame: ServerFrame): void {
    if (this.readyState !== 1) return
    this.dispatch('message', { type: 'message', data: JSON.stringify(frame) })
  }

  private reportError(error: Error): void {
    if (this.readyState === 3) return
    this.dispatch('error', { type: 'error', error, message: error.message })
  }

  private dispatch(type: 'open', event: SocketEventMap['open']): void
  private dispatch(type: 'message', event: SocketEventMap['message']): void
  private dispatch(type: 'error', event: SocketEventMap['error'] & { readonly error: Error }): void
  private dispatch(type: 'close', event: SocketEventMap['close']): void
  private dispatch(type: keyof SocketEventMap, event: SocketEventMap[keyof SocketEventMap]): void {
    // Browser-style listeners get the event with its target, as DOM events have one.
    const domEvent = { ...event, target: this }
    const heard = this.#heard
    ;(heard?.[type] as ((event: unknown) => void) | undefined)?.call(this, domEvent)
    for (const listener of (heard?.listeners?.get(type) ?? []) as Iterable<(event: unknown) => void>) listener.call(this, domEvent)
    if ('data' in event) this.emit('message', event.data)
    else if ('code' in event) this.emit('close', event.code, event.reason)
    else if (type === 'error') this.emit('error', (event as { readonly error: Error }).error)
    else this.emit('open')
  }

  static {
    const prototype = MessagingSocket.prototype
    for (const [name, value] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSING', 2], ['CLOSED', 3]] as const) Object.defineProperty(prototype, name, { value, enumerable: true })
    for (const type of ['open', 'message', 'error', 'close'] as const) {
      const get = function (this: MessagingSocket): unknown {
        return this.#heard?.[type] ?? null
      }
      const set = function (this: MessagingSocket, handler: unknown): void {
        ;(this.#heard ??= {})[type] = (typeof handler === 'function' ? handler : null) as never
      }
      Object.defineProperty(prototype, `on${type}`, { get, set, enumerable: true, configurable: true })
    }
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
  try {
    return new MessagingSocket(client, config, { ownsClient: true })
  } catch (error) {
    // A config mistake: free the client made for the socket before reporting it.
    client.close().catch(() => undefined)
    throw error
  }
}
