// A followed conversation: one whose lease another live process holds, read from the relay, its commands forwarded to the holder.
import { EMPTY, type Observable, Subject, Subscription, concat, defer, from, interval, switchMap, take, takeUntil } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { ChatFeed } from './chat-feed.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { ConversationEvents } from './conversation-events.js'
import type { ConversationRelay, RelayCommand } from './conversation-relay.js'
import type { ConversationStore } from './conversation-store.js'
import { relayedError } from './conversation-relay.js'
import type { ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import type { Conversation } from './open-conversation.js'
import { type PollCursor, cursorHolder } from './poll-cursor.js'
import type { PollSupplier } from './session-supplier.js'
import { followerPoller, relaySupplier } from './relay-supplier.js'

/**
 * Builds a follower of `session`'s conversation on `relay`: a {@link ChatFeed} whose poll loop
 * reads the holder's pages (closing a gap with one read of the chat, never a holder's poll), from
 * event 0 as a holder's does, so every process numbers the conversation's changes alike. It never
 * takes the lease nor writes the store; its commands go to the holder (`forward`), whose answer
 * or failure (code, status, body kept) is what it resolves or rejects with. `ready` rejects with
 * `E_UNKNOWN_CONVERSATION` when the store does not list the conversation as this consumer's, and
 * nothing of it is read or forwarded then.
 *
 * @internal
 */
export function followConversation(session: ChatSessionPort, config: ResolvedConnectionOptions, relay: ConversationRelay, events: Pick<ConversationEvents, 'consumerId' | 'store' | 'onError' | 'ended' | 'conversationChanged'>, onFree: () => void): FollowedConversation {
  const { consumerId, store, onError } = events
  const id = session.conversationId
  // Promoted: the feed's loop reads the chat through the holder's supplier from then on.
  let holding: PollSupplier | undefined
  const promoted = new Subject<void>()
  const held = (at: PollCursor): Observable<LegacySnapshot> => (holding === undefined ? EMPTY : holding(at))
  const cursor = cursorHolder()
  const readFrom = (from: number, signal: AbortSignal): ReturnType<ChatSessionPort['snapshot']> => session.snapshot({ from, signal })
  const ready = mayFollow(store, consumerId, id)
  const relayed = relaySupplier(relay, id, readFrom)
  const feed = new ChatFeed({
    conversationId: id,
    // Nothing is read before the store said the conversation is this consumer's.
    // A read of the relay in flight when the holder takes over is cut short: the holder polls at once.
    supplier: (at) => (holding === undefined ? concat(from(ready).pipe(switchMap(() => relayed(at)), takeUntil(promoted)), defer(() => held(at))).pipe(take(1)) : held(at)),
    cursor,
    // Reads of the relay are no polls; once promoted, the loop's polls are reported as a holder's.
    poller: { ...followerPoller(config.poller, () => holding !== undefined), onPoll: (report) => (holding === undefined ? undefined : config.poller.onPoll?.(report)) },
    readFrom,
    eventLogLimit: config.eventLogLimit,
    graceMs: config.graceMs,
    consumerId,
    now: config.now,
  })
  const subscriptions = new Subscription()
  subscriptions.add(feed.errors$.subscribe(onError))
  // Its end is told as a holder's is (a holder taking the feed over listens in its place).
  feed.listen({ onEnd: () => events.ended(feed), onConversationChange: (change) => events.conversationChanged(feed, change) })
  let disposed = false
  ready.catch(() => {
    disposed = true
    subscriptions.unsubscribe()
    feed.dispose()
  })
  // The holder died or left: its lease expires (or is released) and this follower takes it over.
  const ttlMs = store.leaseTtlMs
  if (ttlMs !== undefined) {
    let trying = false
    const retry = interval(Math.max(1, Math.floor(ttlMs / 4)), config.poller.scheduler).subscribe(() => {
      if (trying) return
      trying = true
      // Taking it here only asks "is it free": the holder's start takes it again (same owner, same token).
      store.acquireLease(id).then((lease) => {
        trying = false
        if (lease === undefined || disposed) return
        retry.unsubscribe()
        onFree()
      }, (error: unknown) => {
        trying = false
        onError(error)
      })
    })
    subscriptions.add(retry)
  }
  if (config.keepConversationsAlive) {
    ready.then(() => {
      feed.keepPolled(subscriptions)
      subscriptions.add(() => feed.keepPolled(subscriptions, false))
    }, () => undefined)
  }
  const queue: Promise<never> = Promise.reject(new AdapterError('E_CLOSED', `conversation ${id} is followed here: its lines go through the process holding it`))
  queue.catch(() => undefined)
  return {
    session,
    feed,
    queue,
    ready,
    forward: async (command: RelayCommand) => {
      await ready
      if (disposed) throw new AdapterError('E_CLOSED', `conversation ${id} was closed on this connection`)
      const answer = await relay.forward(id, command)
      if (!answer.ok) throw relayedError(answer.error)
      return answer.value
    },
    lease: () => undefined,
    subscriptions,
    dispose: () => {
      disposed = true
      subscriptions.unsubscribe()
      feed.dispose()
    },
    release: () => Promise.resolve(),
    handOver: (supplier) => {
      disposed = true
      subscriptions.unsubscribe()
      // The first poll at once (the relay read in flight is cut short); then paced, and stretched, as a holder's (see followerPoller).
      holding = supplier
      promoted.next()
      promoted.complete()
      return { feed, cursor }
    },
  }
}

/** A followed conversation, and how a holder takes over its feed. @internal */
export interface FollowedConversation extends Conversation {
  /** Stops following (the retry, the forwarding) and hands the feed and its cursor to a holder reading the chat through `supplier`. */
  readonly handOver: (supplier: PollSupplier) => { readonly feed: ChatFeed; readonly cursor: ReturnType<typeof cursorHolder> }
}

/** Resolves when the store lists the conversation as this connection's consumer's (or the connection knows no consumer). */
async function mayFollow(store: ConversationStore, consumerId: string | undefined, id: string): Promise<void> {
  const stored = await store.loadConversation(id)
  if (stored === undefined) throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not in the store: there is nothing to follow`)
  if (consumerId !== undefined && stored.consumerId !== undefined && stored.consumerId !== consumerId) {
    throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not this consumer's`)
  }
}
