// The listeners and pending waits of one served chat: who hears a signal, and which waits it settles.
import type { ChatSignal } from './legacy-chat.js'

interface Waiter {
  readonly check: () => boolean
  readonly resolve: () => void
  readonly reject: (error: Error) => void
}

/**
 * Listeners by {@link ChatSignal} and promises waiting for a condition. Every signal re-checks the
 * pending waits, so a wait settles on the first change after which its condition holds.
 */
export class ChatSignals {
  readonly #listeners = new Map<ChatSignal, Set<() => void>>()
  readonly #waiters = new Set<Waiter>()

  /** Subscribes to a signal; returns the unsubscribe function. */
  on(signal: ChatSignal, listener: () => void): () => void {
    let set = this.#listeners.get(signal)
    if (set === undefined) this.#listeners.set(signal, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  /** Resolves when `check()` is true, now or after a later signal; rejects on {@link ChatSignals.rejectAll}. */
  waitUntil(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      this.#waiters.add({ check, resolve, reject })
    })
  }

  /** Calls the signal's listeners, then settles the waits whose condition now holds. */
  notify(signal: ChatSignal): void {
    const set = this.#listeners.get(signal)
    if (set !== undefined) for (const listener of [...set]) listener()
    for (const waiter of [...this.#waiters]) {
      if (waiter.check()) {
        this.#waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }

  /** Rejects every pending wait with `error`. */
  rejectAll(error: Error): void {
    for (const waiter of this.#waiters) waiter.reject(error)
    this.#waiters.clear()
  }
}
