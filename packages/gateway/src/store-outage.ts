// While the shared store is unreachable every poll's write fails the same way: tell the operator once
// per outage, not once per poll, and be ready to tell again after the store came back.
import type { ConversationStore } from '@chatbridge/adapter'

/** The gate of {@link storeOutageReporter}. @internal */
export interface StoreOutageReporter {
  /** A store failure a connection absorbed: forwarded if it is the outage's first, else dropped. */
  report(error: Error): void
  /** Stops watching for the store's return. */
  close(): void
}

/**
 * Forwards to `onError` the first store failure seen while `store.available` is false and drops
 * the rest until the store is available again (checked every `checkMs` during an outage only).
 * Failures while the store says it is available are forwarded each.
 *
 * @internal
 */
export function storeOutageReporter(store: ConversationStore, onError: (error: Error) => void, checkMs = 250): StoreOutageReporter {
  let watch: NodeJS.Timeout | undefined
  const stopWatching = (): void => {
    clearInterval(watch)
    watch = undefined
  }
  return {
    report: (error) => {
      if (store.available !== false) return onError(error)
      if (watch !== undefined) return
      onError(error)
      watch = setInterval(() => {
        if (store.available !== false) stopWatching()
      }, checkMs)
      watch.unref()
    },
    close: stopWatching,
  }
}
