// The streams a connection completes when it closes, kept in a set instead of a takeUntil subscription each.
import type { Unsubscribable } from 'rxjs'
import type { LazyObserver } from './lazy-subject.js'

/**
 * Observers a connection hands a chat's events to once the chat is ready, and completes on
 * close: one set entry per watched chat, where `takeUntil(closed$)` and `switchMap` cost a
 * subscriber chain each.
 *
 * @internal
 */
export class Watchers<T> {
  readonly #follows = new Set<Follow<T>>()

  /**
   * Starts `start(observer)` once `ready` resolves (its rejection errors `observer`), unless stopped
   * first; returns what stops it. `observer` hears nothing after its stream ended or it was stopped.
   */
  follow(observer: LazyObserver<T>, ready: Promise<unknown>, start: (observer: LazyObserver<T>) => Unsubscribable): Unsubscribable {
    const follow = new Follow(this.#follows, observer)
    this.#follows.add(follow)
    ready.then(
      () => follow.start(start),
      (error: unknown) => follow.error(error),
    )
    return follow
  }

  /** Completes every observer still following. */
  completeAll(): void {
    for (const follow of [...this.#follows]) follow.complete()
  }
}

// One watch: its place in the set and its stream, ended once (the stream's end, a stop or the close).
class Follow<T> implements LazyObserver<T>, Unsubscribable {
  #inner: Unsubscribable | undefined
  #ended = false

  constructor(
    readonly follows: Set<Follow<T>>,
    readonly observer: LazyObserver<T>,
  ) {}

  start(start: (observer: LazyObserver<T>) => Unsubscribable): void {
    if (this.#ended) return
    const inner = start(this)
    if (this.#ended) inner.unsubscribe()
    else this.#inner = inner
  }

  next(value: T): void {
    if (!this.#ended) this.observer.next(value)
  }

  error(error: unknown): void {
    if (this.#ended) return
    this.unsubscribe()
    this.observer.error(error)
  }

  complete(): void {
    if (this.#ended) return
    this.unsubscribe()
    this.observer.complete()
  }

  unsubscribe(): void {
    if (this.#ended) return
    this.#ended = true
    this.follows.delete(this)
    const inner = this.#inner
    this.#inner = undefined
    inner?.unsubscribe()
  }
}
