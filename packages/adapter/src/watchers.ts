// The streams a connection completes when it closes, kept in a set instead of a takeUntil subscription each.
import type { Unsubscribable } from 'rxjs'
import { type Few, NO_ITEMS, countOf, itemsOf, withItem, withoutItem } from './exact-lists.js'
import type { LazyObserver } from './lazy-subject.js'

// Past this many follows a `Set` (a copied list would cost a copy per change); below it, a list:
// a socket's connection has one or two, which a `Set` and its table keep in 158 bytes.
const MOST_LISTED = 8

/**
 * Observers a connection hands a chat's events to once the chat is ready, and completes on
 * close: one set entry per watched chat, where `takeUntil(closed$)` and `switchMap` cost a
 * subscriber chain each.
 *
 * @internal
 */
export class Watchers<T> {
  #follows: Few<Follow<T>> | Set<Follow<T>> = NO_ITEMS

  /**
   * Starts `start(observer)` once `ready` resolves (its rejection errors `observer`), unless stopped
   * first; returns what stops it. `observer` hears nothing after its stream ended or it was stopped.
   */
  follow(observer: LazyObserver<T>, ready: Promise<unknown>, start: (observer: LazyObserver<T>) => Unsubscribable): Unsubscribable {
    const follow = new Follow(this, observer)
    const follows = this.#follows
    if (follows instanceof Set) follows.add(follow)
    else this.#follows = countOf(follows) < MOST_LISTED ? withItem(follows, follow) : new Set([...itemsOf(follows), follow])
    ready.then(
      () => follow.start(start),
      (error: unknown) => follow.error(error),
    )
    return follow
  }

  /** Completes every observer still following. */
  completeAll(): void {
    const follows = this.#follows
    for (const follow of follows instanceof Set ? [...follows] : itemsOf(follows)) follow.complete()
  }

  /** `follow` ended. @internal */
  remove(follow: Follow<T>): void {
    const follows = this.#follows
    if (follows instanceof Set) follows.delete(follow)
    else this.#follows = withoutItem(follows, follow)
  }
}

// What a follow's `#inner` is once it ended: one field, not two with a flag (8 bytes a watch). Its own,
// not watch.ts's `STOPPED`, which a start may hand back as a live inner.
const ENDED: Unsubscribable = { unsubscribe() {} }

// One watch: its place in the set and its stream, ended once (the stream's end, a stop or the close).
class Follow<T> implements LazyObserver<T>, Unsubscribable {
  #inner: Unsubscribable | undefined

  constructor(
    readonly watchers: Watchers<T>,
    readonly observer: LazyObserver<T>,
  ) {}

  start(start: (observer: LazyObserver<T>) => Unsubscribable): void {
    if (this.#inner === ENDED) return
    let inner: Unsubscribable
    try {
      inner = start(this)
    } catch (error) {
      // As a subscribe that throws errors its subscriber (this runs in a promise reaction: a throw would be an unhandled rejection).
      this.error(error)
      return
    }
    if (this.#inner === ENDED) inner.unsubscribe()
    else this.#inner = inner
  }

  next(value: T): void {
    if (this.#inner !== ENDED) this.observer.next(value)
  }

  error(error: unknown): void {
    if (this.#inner === ENDED) return
    this.unsubscribe()
    this.observer.error(error)
  }

  complete(): void {
    if (this.#inner === ENDED) return
    this.unsubscribe()
    this.observer.complete()
  }

  unsubscribe(): void {
    const inner = this.#inner
    if (inner === ENDED) return
    this.#inner = ENDED
    this.watchers.remove(this)
    inner?.unsubscribe()
  }
}
