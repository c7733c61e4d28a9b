// The gateway's SessionFactory on the adapter's SocketSession: verified identities, conversations per consumer.
import { AdapterError, RequestRefusedError, SocketSession } from '@chatbridge/adapter'
import type { Connection, ConversationRequest, RequestFrame, RequestId, ServerFrame, SocketSessionOptions } from '@chatbridge/adapter'
import type { ConsumerLease, ConsumerRegistry } from './consumer-registry.js'
import { GatewayError } from './gateway-error.js'
import type { ConsumerIdentity, GatewaySession, SessionContext, SessionFactory, SessionSink } from './session-port.js'

/** Options of {@link legacySessions}. */
export interface LegacySessionsOptions {
  /** Whose conversations are whose: one shared connection per consumer (see {@link ConsumerRegistry}). */
  readonly registry: ConsumerRegistry
  /** Also send `chatbridge.LegacyEventNotification`s for legacy events of unknown type; default false. */
  readonly emitLegacyEvents?: boolean
  /** The clock `GetClock` answers, epoch milliseconds; default `Date.now`. */
  readonly now?: () => number
  /** Told of failures no response carries (a dialog's notification stream that failed); the socket stays open. */
  readonly onError?: (error: Error) => void
}

/**
 * Sessions on legacy chat: each socket is an adapter `SocketSession` that answers nothing but
 * `InitConnection` and `GetClock` until the consumer is verified (on the upgrade, or by every
 * `ConsumerAuthentication` token of `InitConnection`), then works on the consumer's shared
 * connection from `registry`: it reaches only the consumer's own conversations (another's id gets
 * the unknown-id answer) and requests at most one open conversation at a time (409 names it).
 *
 * @example
 * const registry = new ConsumerRegistry({ client: new LegacyChatClient({ accountRoot, appKey }) })
 * const gateway = await startGateway({ accountId, sessions: legacySessions({ registry }) })
 */
export function legacySessions(options: LegacySessionsOptions): SessionFactory {
  return { open: (sink, context) => new LegacySession(options, sink, context) }
}

/**
 * One socket's session: the gateway's session, the `SocketSession`'s options and its sink in one
 * object, its hooks on the prototype, so an idle socket holds one object rather than a dozen closures.
 * The session calls `connectionFor`, `canReach`, `beforeRequest`, `frame` and `error` as methods of it.
 */
class LegacySession implements GatewaySession, SocketSessionOptions {
  readonly consumerId?: string
  readonly #options: LegacySessionsOptions
  readonly #sink: SessionSink
  readonly #context: SessionContext
  readonly #session: SocketSession
  #lease: ConsumerLease | undefined
  // The InitConnection being answered, and a refused token's error, sent to the sink once its response is out.
  #initId: RequestId | undefined
  #fatal: { readonly reqId: RequestId | undefined; readonly error: GatewayError } | undefined
  // Closes asked for, by request id (made on the first): once answered 200 the conversation is not open any more, before the next poll reads the end.
  #closing: Map<RequestId, string> | undefined
  // With the identity on the upgrade, frames wait (in order) for the stored conversations to be resumed.
  #gate: Promise<void> | undefined

  constructor(options: LegacySessionsOptions, sink: SessionSink, context: SessionContext) {
    this.#options = options
    this.#sink = sink
    this.#context = context
    if (context.consumer !== undefined) {
      this.consumerId = context.consumer.consumerId
      this.#bind(context.consumer.consumerId)
      this.#gate = this.#lease?.ready.then(() => {
        this.#gate = undefined
      })
    }
    this.#session = new SocketSession(this, this)
  }

  // requireAuthentication keeps every request that needs a connection waiting for the identity.
  get requireAuthentication(): true {
    return true
  }

  get emitLegacyEvents(): boolean {
    return this.#options.emitLegacyEvents === true
  }

  get now(): () => number {
    return this.#options.now ?? Date.now
  }

  // The session calls these two detached (with itself as an argument): a getter makes the bound hook
  // on each call, so no socket keeps one.
  get authenticate(): (tokens: readonly string[]) => Promise<string | undefined> {
    return (tokens) => this.#authenticate(tokens)
  }

  get requestConversation(): (request: ConversationRequest, session: SocketSession, next: (request: ConversationRequest) => Promise<{ readonly conversationId: string }>) => Promise<{ readonly conversationId: string }> {
    return (request, _session, next) => {
      if (this.#lease === undefined) throw new RequestRefusedError(401, 'the consumer is not authenticated')
      return this.#lease.requestConversation(request, next)
    }
  }

  connectionFor(consumerId: string | undefined): Connection {
    if (this.#lease === undefined || this.#lease.consumerId !== consumerId) throw new RequestRefusedError(401, 'the consumer is not authenticated')
    return this.#lease.connection
  }

  canReach(conversationId: string): boolean {
    return this.#lease?.owns(conversationId) ?? false
  }

  beforeRequest(request: RequestFrame): void {
    if (request.type === 'InitConnection') this.#initId = request.id
    const conversationId = (request.body as { readonly conversationId?: unknown } | undefined)?.conversationId
    if (request.type === 'cm.UpdateConversationField' && typeof conversationId === 'string') (this.#closing ??= new Map()).set(request.id, conversationId)
  }

  /** The session's sink: each frame to send. */
  frame(frame: ServerFrame): void {
    const closed = frame.kind === 'resp' ? this.#closing?.get(frame.reqId) : undefined
    if (frame.kind === 'resp' && closed !== undefined) {
      // cm.UpdateConversationField answers 200 only when it ended the chat (closing is the one field legacy chat has).
      if (frame.code === 200) this.#lease?.closed(closed)
      this.#closing?.delete(frame.reqId)
    }
    this.#sink.send(frame)
    // The refusal goes out first, then the socket closes with the token's code.
    const fatal = this.#fatal
    if (fatal !== undefined && frame.kind === 'resp' && frame.reqId === fatal.reqId) {
      this.#fatal = undefined
      this.#sink.error(fatal.error)
    }
  }

  /** The session's sink: a failure no response carries. */
  error(error: Error): void {
    // A frame with no id gets a 400 without one; a notification stream that failed leaves the socket up.
    if (error instanceof AdapterError && error.code === 'E_BAD_REQUEST') this.#sink.send({ kind: 'resp', reqId: null, code: 400, type: 'GenericResponse', body: error.message })
    else this.#options.onError?.(error)
  }

  receive(text: string): void {
    if (this.#gate === undefined) this.#session.receive(text)
    else this.#gate = this.#gate.then(() => this.#session.receive(text))
  }

  close(): void {
    this.#session.close()
    this.#lease?.release()
  }

  #bind(consumerId: string): void {
    if (this.#lease === undefined) this.#lease = this.#options.registry.attach(consumerId)
    else if (this.#lease.consumerId !== consumerId) throw new RequestRefusedError(401, 'this socket already belongs to another consumer')
  }

  async #authenticate(tokens: readonly string[]): Promise<string | undefined> {
    const reqId = this.#initId
    if (tokens.length === 0) return undefined
    let identity: ConsumerIdentity | undefined
    try {
      for (const token of tokens) {
        const verified = await this.#context.verify(token)
        if (identity !== undefined && identity.consumerId !== verified.consumerId) {
          throw new GatewayError('E_TOKEN_INVALID', 'the consumer tokens name different consumers')
        }
        identity = verified
      }
    } catch (error) {
      const refused = error instanceof GatewayError ? error : new GatewayError('E_TOKEN_INVALID', 'the consumer token was refused', { cause: error })
      this.#fatal = { reqId, error: refused }
      throw new RequestRefusedError(401, refused.message, { cause: refused })
    }
    if (identity === undefined) return undefined
    this.#bind(identity.consumerId)
    // The stored conversations first, so the consumer's first conversation list shows them.
    await this.#lease?.ready
    this.#context.onAuthenticated(identity)
    return identity.consumerId
  }
}
