// A consumer's entry in the registry: its connection, its conversation ids as exact-size lists, and the watch that tells the registry a conversation is over.
import type { Connection, MessagingEventChange } from '@chatbridge/adapter'
import type { PlainObserver } from '@chatbridge/adapter/internals'

/** What the registry keeps of one consumer. */
export interface ConsumerEntry {
  readonly consumerId: string
  readonly connection: Connection
  owned: readonly string[]
  open: readonly string[]
  subscriptions: readonly { unsubscribe(): void }[] // what the registry follows on the connection; ended with it
  sockets: number
  ready: Promise<void>
  abandon: NodeJS.Timeout | undefined
  lock: Promise<void> // requests of one consumer run one after another, so two tabs racing start one chat
}

/** No ids, shared. */
export const NO_IDS: readonly string[] = []

/** One settled promise for every entry that has nothing to wait for (then on it never changes it). */
export const SETTLED: Promise<void> = Promise.resolve()

/**
 * Makes `entry[key]` settle after `pending` (fulfilled or not), then go back to {@link SETTLED}
 * unless replaced meanwhile: an idle entry keeps no promise of its own, nor what the last one
 * resolved with (a request's `{ conversationId }`), for the rest of its life.
 */
export function holdUntilSettled(entry: ConsumerEntry, key: 'lock' | 'ready', pending: Promise<unknown>): void {
  const held = pending.then(release, release)
  function release(): void {
    if (entry[key] === held) entry[key] = SETTLED
  }
  entry[key] = held
}

// Lists copied on change, not Sets: a consumer mostly has one conversation, which a `Set` and its
// table keep in 158 bytes, an exact array in 56.

/** `ids` with `id` last (the same list when it is there already). */
export function withId(ids: readonly string[], id: string): readonly string[] {
  return ids.includes(id) ? ids : ids.concat([id])
}

/** `ids` without `id` (the same list when it is not there). */
export function withoutId(ids: readonly string[], id: string): readonly string[] {
  const at = ids.indexOf(id)
  if (at < 0) return ids
  return ids.length === 1 ? NO_IDS : ids.slice(0, at).concat(ids.slice(at + 1))
}

/**
 * Watches a tracked conversation's stream for its end (the chat over, or polling stopped for
 * good) and reports it once; its changes are not read. An object, not an observer literal and a
 * closure per conversation.
 */
export class ConversationEnd<E> implements PlainObserver<MessagingEventChange> {
  constructor(
    readonly entry: E,
    readonly conversationId: string,
    readonly onEnd: (entry: E, conversationId: string) => void,
  ) {}

  next(): void {}

  error(): void {
    this.onEnd(this.entry, this.conversationId)
  }

  complete(): void {
    this.onEnd(this.entry, this.conversationId)
  }
}

// The entry's subscriptions, which it no longer keeps.
export function takeAll(entry: ConsumerEntry): readonly { unsubscribe(): void }[] {
  const subscriptions = entry.subscriptions
  entry.subscriptions = []
  return subscriptions
}
