// The gateway's SessionFactory on the adapter's SocketSession: verified identities, conversations per consumer.
import { AdapterError, RequestRefusedError, SocketSession } from '@chatbridge/adapter'
import type { Connection, RequestId, ServerFrame } from '@chatbridge/adapter'
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
  return { open: (sink, context) => openSession(options, sink, context) }
}

function openSession(options: LegacySessionsOptions, sink: SessionSink, context: SessionContext): GatewaySession {
  const { registry } = options
  let lease: ConsumerLease | undefined
  // The InitConnection being answered, and a refused token's error, sent to the sink once its response is out.
  let initId: RequestId | undefined
  let fatal: { readonly reqId: RequestId | undefined; readonly error: GatewayError } | undefined
  // Closes asked for, by request id: once answered 200 the conversation is not open any more, before the next poll reads the end.
  const closing = new Map<RequestId, string>()
  const bind = (consumerId: string): void => {
    if (lease === undefined) lease = registry.attach(consumerId)
    else if (lease.consumerId !== consumerId) throw new RequestRefusedError(401, 'this socket already belongs to another consumer')
  }
  if (context.consumer !== undefined) bind(context.consumer.consumerId)
  // With the identity on the upgrade, frames wait (in order) for the stored conversations to be resumed.
  let gate: Promise<void> | undefined = lease?.ready.then(() => {
    gate = undefined
  })

  const authenticate = async (tokens: readonly string[]): Promise<string | undefined> => {
    const reqId = initId
    if (tokens.length === 0) return undefined
    let identity: ConsumerIdentity | undefined
    try {
      for (const token of tokens) {
        const verified = await context.verify(token)
        if (identity !== undefined && identity.consumerId !== verified.consumerId) {
          throw new GatewayError('E_TOKEN_INVALID', 'the consumer tokens name different consumers')
        }
        identity = verified
      }
    } catch (error) {
      const refused = error instanceof GatewayError ? error : new GatewayError('E_TOKEN_INVALID', 'the consumer token was refused', { cause: error })
      fatal = { reqId, error: refused }
      throw new RequestRefusedError(401, refused.message, { cause: refused })
    }
    if (identity === undefined) return undefined
    bind(identity.consumerId)
    // The stored conversations first, so the consumer's first conversation list shows them.
    await lease?.ready
    context.onAuthenticated(identity)
    return identity.consumerId
  }

  const connectionFor = (consumerId: string | undefined): Connection => {
    // requireAuthentication keeps every request that needs a connection waiting for the identity.
    if (lease === undefined || lease.consumerId !== consumerId) throw new RequestRefusedError(401, 'the consumer is not authenticated')
    return lease.connection
  }

  const session = new SocketSession(
    {
      connectionFor,
      ...(context.consumer === undefined ? {} : { consumerId: context.consumer.consumerId }),
      requireAuthentication: true,
      authenticate,
      canReach: (conversationId) => lease?.owns(conversationId) ?? false,
      requestConversation: (request, _session, next) => {
        if (lease === undefined) throw new RequestRefusedError(401, 'the consumer is not authenticated')
        return lease.requestConversation(request, next)
      },
      beforeRequest: (request) => {
        if (request.type === 'InitConnection') initId = request.id
        const conversationId = (request.body as { readonly conversationId?: unknown } | undefined)?.conversationId
        if (request.type === 'cm.UpdateConversationField' && typeof conversationId === 'string') closing.set(request.id, conversationId)
      },
      ...(options.emitLegacyEvents === undefined ? {} : { emitLegacyEvents: options.emitLegacyEvents }),
      ...(options.now === undefined ? {} : { now: options.now }),
    },
    {
      frame: (frame: ServerFrame) => {
        const closed = frame.kind === 'resp' ? closing.get(frame.reqId) : undefined
        if (frame.kind === 'resp' && closed !== undefined) {
          // cm.UpdateConversationField answers 200 only when it ended the chat (closing is the one field legacy chat has).
          if (frame.code === 200) lease?.closed(closed)
          closing.delete(frame.reqId)
        }
        sink.send(frame)
        // The refusal goes out first, then the socket closes with the token's code.
        if (fatal !== undefined && frame.kind === 'resp' && frame.reqId === fatal.reqId) {
          const { error } = fatal
          fatal = undefined
          sink.error(error)
        }
      },
      error: (error) => {
        // A frame with no id gets a 400 without one; a notification stream that failed leaves the socket up.
        if (error instanceof AdapterError && error.code === 'E_BAD_REQUEST') sink.send({ kind: 'resp', reqId: null, code: 400, type: 'GenericResponse', body: error.message })
        else options.onError?.(error)
      },
    },
  )
  return {
    receive: (text) => {
      if (gate === undefined) session.receive(text)
      else gate = gate.then(() => session.receive(text))
    },
    close: () => {
      session.close()
      lease?.release()
    },
  }
}
