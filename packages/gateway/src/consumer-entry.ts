// A consumer's entry in the registry: its connection, its conversation ids and watches as short lists.
import type { Connection } from '@chatbridge/adapter'
import { type Few, NO_ITEMS, itemsOf } from '@chatbridge/adapter/internals'

/** What the registry keeps of one consumer. */
export interface ConsumerEntry {
  readonly consumerId: string
  readonly connection: Connection
  owned: Few<string>
  open: Few<string>
  subscriptions: Few<{ unsubscribe(): void }> // what the registry follows on the connection; ended with it
  sockets: number
  ready: Promise<void>
  abandon: NodeJS.Timeout | undefined
  lock: Promise<void> // requests of one consumer run one after another, so two tabs racing start one chat
}

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

// The entry's subscriptions, which it no longer keeps.
export function takeAll(entry: ConsumerEntry): readonly { unsubscribe(): void }[] {
  const subscriptions = entry.subscriptions
  entry.subscriptions = NO_ITEMS
  return itemsOf(subscriptions)
}
