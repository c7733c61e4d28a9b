/**
 * The server side of one Messaging socket, whatever carries its frames: text in, server frames out
 * to a sink. It owns the consumer's identity on this socket and the socket's subscriptions; the
 * request router answers each request. No WebSocket concept lives here.
 */
import type { Unsubscribable } from 'rxjs'
import { AdapterError } from '../adapter-error.js'
import type { Connection } from '../connection.js'
import type { LegacyEventRecord } from '../chat-feed.js'
import { unverifiedConsumerId } from '../consumer-id.js'
import type { ConversationRequest, MessagingEventChange, RequestFrame, RequestId, ServerFrame } from '../messaging-types.js'
import { asError, bodyOf, statusOf } from './request-failure.js'
import { checkAuthenticated, checkConfig } from './session-config.js'
import { parseFrame } from './request-frame.js'
import { type RequestOutcome, startNotifications } from './request-handler.js'
import { routeRequest } from './request-router.js'
import { SmallMap } from '../small-map.js'
import { subscriptionIdOf } from './subscription-ids.js'

/** Where a {@link SocketSession} sends what it has to say. */
export interface SessionSink {
  /** Called with each frame to send, in order: one response per request, and notifications. */
  readonly frame: (frame: ServerFrame) => void
  /** Called with a failure no response can carry: a frame without an id, a notification stream that failed. */
  readonly error: (error: Error) => void
}

/**
 * What a {@link SocketSession} works on, and the host's policy hooks. Only `connectionFor` is
 * required; the defaults are the in-process socket's behaviour. A hook refuses a request by
 * throwing a {@link RequestRefusedError}: the response carries its status and body.
 */
export interface SocketSessionOptions {
  /**
   * The `Connection` of a consumer, keyed by its id (`undefined` while none is known). Called once,
   * when the session first needs a connection; the session never closes it. A host may create
   * one per socket, or share one per consumer across its sockets.
   */
  readonly connectionFor: (consumerId: string | undefined) => Connection
  /** The consumer's id when the host knows it already (e.g. from the upgrade's `Authorization: jwt …`). */
  readonly consumerId?: string
  /**
   * The consumer id behind `InitConnection`'s `.ams.headers.ConsumerAuthentication` JWTs (all of
   * them, in order; maybe none); `undefined` keeps the session's identity. May be async; throw a
   * {@link RequestRefusedError} (e.g. 401) to refuse. Default: the first `sub` claim, decoded and
   * **not verified**. Once the session has its `Connection`, its identity no longer changes.
   */
  readonly authenticate?: (tokens: readonly string[], session: SocketSession) => string | undefined | Promise<string | undefined>
  /** Refuse with 401 every request but `InitConnection` and `GetClock` until the consumer is known; default false. */
  readonly requireAuthentication?: boolean
  /**
   * Whether the consumer may reach a conversation named in a request (`ms.SubscribeMessagingEvents`,
   * `ms.PublishEvent`, `cm.UpdateConversationField`). Every `false` gets one answer, 404
   * `E_UNKNOWN_CONVERSATION`, so another consumer's id cannot be told from an unknown one.
   * Default: all (an unknown id is resumed, as after a restart).
   */
  readonly canReach?: (conversationId: string, session: SocketSession) => boolean | Promise<boolean>
  /**
   * Wraps every `cm.ConsumerRequestConversation`: call `next` to request the chat, or throw a
   * {@link RequestRefusedError} (e.g. 409 naming the open conversation). Default: `next(request)`.
   */
  readonly requestConversation?: (
    request: ConversationRequest,
    session: SocketSession,
    next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>,
  ) => Promise<{ readonly conversationId: string }>
  /** Called before each request is routed, e.g. to rate-limit; throw a {@link RequestRefusedError} (429) to refuse. */
  readonly beforeRequest?: (request: RequestFrame, session: SocketSession) => void
  /** Also send `chatbridge.LegacyEventNotification`s for legacy events of unknown type; default false. */
  readonly emitLegacyEvents?: boolean
  /** The clock `GetClock` answers, epoch milliseconds; default `Date.now`. */
  readonly now?: () => number
}

/**
 * One Messaging socket's requests and subscriptions, on any transport: hand it each text frame
 * with {@link receive}; it answers every request with exactly one `resp` (whose `reqId` is the
 * request's `id` unchanged) and sends notifications, through the sink. Text that is not a request
 * is answered with 400 when it has an `id`, else reported to `sink.error`. {@link close} ends every
 * subscription; nothing is sent after it.
 *
 * @example
 * const session = new SocketSession({ connectionFor: (consumerId) => connections.of(consumerId) }, {
 *   frame: (frame) => ws.send(JSON.stringify(frame)),
 *   error: (error) => log.warn(error.message),
 * })
 * ws.on('message', (data) => session.receive(String(data)))
 * ws.on('close', () => session.close())
 */
export class SocketSession {
  readonly #config: SocketSessionOptions
  readonly #sink: SessionSink
  // Every notification stream by its key (an unkeyed one gets a unique one), a socket's stream or two: a parent
  // `Subscription` would cost a finalizer array, and each stream a parentage link, for the socket's whole life.
  readonly #streams = new SmallMap<Unsubscribable>()
  #consumerId: string | undefined
  #connection: Connection | undefined
  #closed = false
  #nextSubscription = 1
  #nextStream = 1

  /** Throws core's `InvalidArgumentError` at once, with a correct call, when `config` or `sink` is malformed. */
  constructor(config: SocketSessionOptions, sink: SessionSink) {
    checkConfig(config, sink)
    this.#config = config
    this.#sink = sink
    this.#consumerId = config.consumerId
  }

  /** The consumer's id: from the host, or named by `InitConnection`; `undefined` until then. */
  get consumerId(): string | undefined {
    return this.#consumerId
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * The connection this session works on, from `connectionFor` on first use (which fixes the
   * session's identity). Throws `AdapterError` `E_CLOSED` when first asked for after {@link close}.
   */
  get connection(): Connection {
    if (this.#connection === undefined) {
      if (this.#closed) throw new AdapterError('E_CLOSED', 'the socket is closed')
      const connection = this.#config.connectionFor(this.#consumerId)
      this.#connection = connection
      if (this.#config.emitLegacyEvents === true) {
        const send = (record: LegacyEventRecord): void => this.sendFrame({ kind: 'notification', type: 'chatbridge.LegacyEventNotification', body: { changes: [record] } })
        this.#streams.set('legacy', connection.watchLegacyEvents({ next: send, error: () => undefined, complete: () => undefined }))
      }
    }
    return this.#connection
  }

  /** Takes one text frame from the client. Ignored once closed. */
  receive(text: string): void {
    if (this.#closed) return
    const parsed = parseFrame(text)
    if (parsed.kind === 'unanswerable') this.#sink.error(parsed.error)
    else if (parsed.kind === 'answerable') this.respond(parsed.id, 400, 'GenericResponse', parsed.message)
    else this.handle(parsed.request)
  }

  /** Ends every subscription of this session; responses still pending are not sent. Idempotent; does not close the connection. */
  close(): void {
    this.#closed = true
    const streams = this.#streams.values()
    this.#streams.clear()
    for (const stream of streams) stream.unsubscribe()
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private handle(request: RequestFrame): void {
    let outcome: Promise<RequestOutcome>
    try {
      this.#config.beforeRequest?.(request, this)
      checkAuthenticated(this.#config, this.#consumerId, request.type)
      outcome = routeRequest(request, this)
    } catch (error) {
      // Answered as a handler's rejection is, a tick later.
      outcome = Promise.reject(asError(error, 'E_BAD_REQUEST', 'the request was refused'))
    }
    outcome.then(
      (answer) => {
        this.respond(request.id, answer.code, answer.type, answer.body)
        // Subscriptions start after their response is out, so replayed notifications follow it.
        if (answer.notifications !== undefined) this.follow(answer)
      },
      (error: unknown) => this.respond(request.id, statusOf(error), 'GenericResponse', bodyOf(error)),
    )
  }

  private follow({ notifications, key }: RequestOutcome): void {
    if (this.#closed || notifications === undefined) return
    const name = key ?? `#${this.#nextStream++}`
    this.unsubscribe(name)
    const subscription = startNotifications(notifications, this)
    // A stream that replayed the session's close while subscribing is not kept.
    if (this.#closed) subscription?.unsubscribe()
    else if (subscription !== undefined) this.#streams.set(name, subscription)
  }

  private respond(reqId: RequestId, code: number, type: string, body: unknown): void {
    this.sendFrame({ kind: 'resp', reqId, code, type, body })
  }

  private sendFrame(frame: ServerFrame): void {
    if (!this.#closed) this.#sink.frame(frame)
  }

  // The handlers' view (RequestContext) and its streams' one observer (NotificationObserver): the session's own members, not an object (40 B a socket).
  /** The clock `GetClock` answers (the option's, not kept twice a socket). @internal */
  get now(): () => number {
    return this.#config.now ?? Date.now
  }

  /** The consumer id behind `tokens` (the `authenticate` hook's, else the first `sub`, unverified). @internal */
  authenticate(tokens: readonly string[]): string | undefined | Promise<string | undefined> {
    const hook = this.#config.authenticate
    return hook === undefined ? unverifiedConsumerId(tokens) : hook(tokens, this)
  }

  /** Names the consumer, until the session has its connection. @internal */
  identify(consumerId: string): void {
    if (this.#connection === undefined) this.#consumerId = consumerId
  }

  /** A subscription id unique in this session. @internal */
  nextSubscriptionId(): string {
    return subscriptionIdOf(this.#nextSubscription++)
  }

  /** Ends the stream kept under `key`, if any. @internal */
  unsubscribe(key: string): void {
    const stream = this.#streams.get(key)
    this.#streams.delete(key)
    stream?.unsubscribe()
  }

  /** A notification of one of the session's streams. @internal */
  notify(frame: ServerFrame): void {
    this.sendFrame(frame)
  }

  /** A change of a dialog the session watches, as its own notification. @internal */
  next(change: MessagingEventChange): void {
    this.sendFrame({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: [change] } })
  }

  /** A watched dialog's end: nothing to send. @internal */
  complete(): void {}

  /** The failure that ended one of the session's streams. @internal */
  error(error: unknown): void {
    this.#sink.error(asError(error, 'E_POLL_FAILED', 'a notification stream failed'))
  }

  /** Whether the consumer may reach `conversationId` (the `canReach` hook's; default yes). @internal */
  canReach(conversationId: string): boolean | Promise<boolean> {
    return this.#config.canReach?.(conversationId, this) ?? true
  }

  /** Requests a conversation through the `requestConversation` hook, if any. @internal */
  requestConversation(request: ConversationRequest): Promise<{ readonly conversationId: string }> {
    const hook = this.#config.requestConversation
    return hook === undefined ? this.connection.requestConversation(request) : hook(request, this, (r) => this.connection.requestConversation(r))
  }
}
