// One conversation's parts put together: its cursor, its feed (poll loop and mapping) and its outbound queue.
import { Subscription } from 'rxjs'
import { ChatFeed } from './chat-feed.js'
import { sessionSupplier } from './chat-poller.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { ChatSessionPort } from './legacy-contract.js'
import { OutboundQueue } from './outbound-queue.js'
import { cursorHolder } from './poll-cursor.js'

/** A conversation of a connection: the legacy chat, the feed reading it, the queue writing to it. @internal */
export interface Conversation {
  readonly session: ChatSessionPort
  readonly feed: ChatFeed
  readonly queue: OutboundQueue
  /** Torn down when the connection closes. */
  readonly subscriptions: Subscription
}

/**
 * Builds a conversation on `session`. The chat has one cursor: the feed's poll loop advances it,
 * the queue reads where new lines land. Failed polls go to `onError`. With `keepConversationsAlive` a subscriber polls until the
 * chat ends even when nobody listens.
 *
 * @internal
 */
export function openConversation(
  session: ChatSessionPort,
  config: ResolvedConnectionOptions,
  requestedSkill: string | undefined,
  onError: (error: unknown) => void,
): Conversation {
  const cursor = cursorHolder()
  const feed = new ChatFeed({
    conversationId: session.conversationId,
    supplier: sessionSupplier(session),
    cursor,
    poller: config.poller,
    graceMs: config.graceMs,
    consumerId: config.consumerId,
    requestedSkill,
    now: config.now,
  })
  const queue = new OutboundQueue({
    conversationId: session.conversationId,
    session,
    chatState$: () => feed.chatState$(),
    cursor,
    onEnd: (ended) => feed.markEndedByConsumer(ended),
    backoff: config.poller.backoff,
    random: config.poller.random,
    scheduler: config.poller.scheduler,
    maxAttempts: config.maxCommandAttempts,
    reconcileWindowMs: config.reconcileWindowMs,
  })
  const subscriptions = new Subscription()
  subscriptions.add(feed.errors$.subscribe(onError))
  if (config.keepConversationsAlive) subscriptions.add(feed.chatState$().subscribe({ error: () => undefined }))
  return { session, feed, queue, subscriptions }
}
