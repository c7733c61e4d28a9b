/**
 * The contract between the request router and its handlers: one {@link RequestHandler} per Messaging
 * request type, a parsed request frame and a {@link RequestContext} in, a {@link RequestOutcome} out.
 * Handlers hold no state; what lives as long as the socket lives in the session behind the context.
 */
import type { Unsubscribable } from 'rxjs'
import { AdapterError } from '../adapter-error.js'
import type { Connection } from '../connection.js'
import type { LazyObserver } from '../lazy-subject.js'
import type { ConversationRequest, MessagingEventChange, NotificationFrame, RequestFrame } from '../messaging-types.js'

/** What a request is answered with: the response, and the notifications that follow it. */
export interface RequestOutcome {
  /** The response `code`. */
  readonly code: number
  /** The response `type`. */
  readonly type: string
  /** The response `body`. */
  readonly body: unknown
  /**
   * Starts the notifications to send after the response into `observer` (the session's, shared by all
   * its streams); called only once the response is out, so replays follow it. A start function rather
   * than an Observable: a socket holds its streams for its whole life, and each wrapping subscriber
   * would cost it a subscriber, an observer and a finalizer array per stream.
   */
  readonly notifications?: (observer: NotificationObserver) => Unsubscribable
  /** The session's key for `notifications`: a later stream with the same key replaces it; unsubscribed by key. */
  readonly key?: string
}

/**
 * Where a handler's notifications go: frames in order, or the failure that ended the stream. It
 * observes a dialog's changes itself too (`next`, each sent as its own `ms.MessagingEventNotification`;
 * the end sends nothing): a socket watches its dialog for its life, and an adapter object per stream cost it 32 bytes.
 */
export interface NotificationObserver extends LazyObserver<MessagingEventChange> {
  notify(frame: NotificationFrame): void
}

/** What a handler may ask of the session it serves. */
export interface RequestContext {
  /** The session's `Connection`, from its provider on first use; throws `E_CLOSED` once the session closed. */
  readonly connection: Connection
  /** The clock `GetClock` answers, epoch milliseconds. */
  readonly now: () => number
  /** The consumer id behind `InitConnection`'s consumer tokens, if any (the session's identity hook). */
  authenticate(tokens: readonly string[]): string | undefined | Promise<string | undefined>
  /** Names the consumer of the conversations that follow (ignored once the session has its Connection). */
  identify(consumerId: string): void
  /** A subscription id unique in this session. */
  nextSubscriptionId(): string
  /** Ends the notifications kept under `key`, if any. */
  unsubscribe(key: string): void
  /** Whether this consumer may reach a conversation (the session's access hook). */
  canReach(conversationId: string): boolean | Promise<boolean>
  /** Requests a conversation through the session's conversation request policy. */
  requestConversation(request: ConversationRequest): Promise<{ readonly conversationId: string }>
}

/** Answers one request type. Rejections become error responses (see `statusOf`). */
export type RequestHandler = (request: RequestFrame, context: RequestContext) => Promise<RequestOutcome>

/** Starts `notifications` into `observer`; a throw is the stream's failure (as an Observable's subscribe reports it), leaving nothing to keep. */
export function startNotifications(notifications: NonNullable<RequestOutcome['notifications']>, observer: NotificationObserver): Unsubscribable | undefined {
  try {
    return notifications(observer)
  } catch (error) {
    observer.error(error)
    return undefined
  }
}

/** A 200 response with `body`. */
export function ok(type: string, body: unknown): RequestOutcome {
  return { code: 200, type, body }
}

/** A 400 response saying what is wrong with the request. */
export function badRequest(message: string): RequestOutcome {
  return { code: 400, type: 'GenericResponse', body: message }
}

/**
 * Settles when `conversationId` is in reach; else throws `E_UNKNOWN_CONVERSATION`, the one answer to
 * an id that does not exist and to another consumer's. Synchronous when the hook is, so a default
 * session answers in as many ticks as before.
 */
export function ensureReachable(context: RequestContext, conversationId: string): void | Promise<void> {
  const reach = context.canReach(conversationId)
  if (reach === true) return
  if (reach === false) throw unknownConversation(conversationId)
  return reach.then((reachable) => {
    if (!reachable) throw unknownConversation(conversationId)
  })
}

function unknownConversation(conversationId: string): AdapterError {
  return new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${conversationId} is not known`)
}
