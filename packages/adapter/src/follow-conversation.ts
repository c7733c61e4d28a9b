// A followed conversation: one whose lease another live process holds, read from the relay, its commands forwarded to the holder.
import { Subscription, from, switchMap } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { ChatFeed } from './chat-feed.js'
import type { ResolvedConnectionOptions } from './connection-options.js'
import type { ConversationRelay, RelayCommand } from './conversation-relay.js'
import { relayedError } from './conversation-relay.js'
import type { ChatSessionPort } from './legacy-contract.js'
import type { Conversation } from './open-conversation.js'
import { cursorHolder } from './poll-cursor.js'
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
export function followConversation(session: ChatSessionPort, config: ResolvedConnectionOptions, relay: ConversationRelay, onError: (error: unknown) => void): Conversation {
  const id = session.conversationId
  const readFrom = (from: number, signal: AbortSignal): ReturnType<ChatSessionPort['snapshot']> => session.snapshot({ from, signal })
  const ready = mayFollow(config, id)
  const relayed = relaySupplier(relay, id, readFrom)
  const feed = new ChatFeed({
    conversationId: id,
    // Nothing is read before the store said the conversation is this consumer's.
    supplier: (cursor) => from(ready).pipe(switchMap(() => relayed(cursor))),
    cursor: cursorHolder(),
    poller: followerPoller(config.poller),
    readFrom,
    eventLogLimit: config.eventLogLimit,
    graceMs: config.graceMs,
    consumerId: config.consumerId,
    now: config.now,
  })
  const subscriptions = new Subscription()
  subscriptions.add(feed.errors$.subscribe(onError))
  let disposed = false
  ready.catch(() => {
    disposed = true
    subscriptions.unsubscribe()
    feed.dispose()
  })
  if (config.keepConversationsAlive) ready.then(() => subscriptions.add(feed.chatState$().subscribe({ error: () => undefined })), () => undefined)
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
  }
}

/** Resolves when the store lists the conversation as this connection's consumer's (or the connection knows no consumer). */
async function mayFollow(config: ResolvedConnectionOptions, id: string): Promise<void> {
  const stored = await config.store.loadConversation(id)
  if (stored === undefined) throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not in the store: there is nothing to follow`)
  if (config.consumerId !== undefined && stored.consumerId !== undefined && stored.consumerId !== config.consumerId) {
    throw new AdapterError('E_UNKNOWN_CONVERSATION', `conversation ${id} is not this consumer's`)
  }
}
