// A multicast stream that behaves as an RxJS Subject, ReplaySubject(1) or BehaviorSubject, holding its subscribers in a plain list; and one whose latest value is worked out per subscriber.
import { Observable, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs'
import { type Few, NO_ITEMS, isList, itemsOf, withItem, withoutItem } from './exact-lists.js'

/** What a {@link LazySubject} calls: an RxJS `Subscriber`, or any object with these three (no subscriber chain). @internal */
export interface LazyObserver<T> {
  next(value: T): void
  error(error: unknown): void
  complete(): void
}

/** Which RxJS subject a {@link LazySubject} behaves as. @internal */
export type LazyKind = 'subject' | 'replay' | 'behavior'

// Subscriber lists are copied on change (a chat's stream has none to three), so `next` walks the
// list as it was without a copy: none, the one subscriber itself, or an exact-size array.
const NO_VALUE: unique symbol = Symbol('no value')

/**
 * An Observable that behaves exactly as a `Subject`, a `ReplaySubject(1)` or a `BehaviorSubject`
 * (`kind`), without one: every chat has six of these, most with nobody subscribed, and an RxJS
 * subject costs an object, an observer array of 17 slots and, per subscriber, a `Subscription`
 * with a closure. Here the latest value (`replay`, `behavior`) and the end are plain fields, and
 * a subscriber costs one entry in a list and one small teardown object.
 *
 * @internal
 */
export class LazySubject<T> extends Observable<T> {
  readonly #kind: LazyKind
  #observers: Few<LazyObserver<T>> = NO_ITEMS
  // NO_VALUE until a value is kept: one field where a flag and a value would be two.
  #value: T | typeof NO_VALUE
  #end: { readonly error: unknown } | 'complete' | undefined

  /** A `behavior` one needs its `initial` value; a `replay` one given `initial` replays it. */
  constructor(kind: LazyKind, ...initial: [] | [T]) {
    super()
    this.#kind = kind
    this.#value = initial.length > 0 ? (initial[0] as T) : NO_VALUE
  }

  /** The latest value of a `replay` or `behavior` one (`undefined` before the first); a plain `subject` keeps none. */
  get value(): T | undefined {
    const value = this.#value
    return value === NO_VALUE ? undefined : value
  }

  /** How it ended, if it did: `'complete'`, or the error it failed with. @internal */
  get end(): { readonly error: unknown } | 'complete' | undefined {
    return this.#end
  }

  /** Emits `value` to the subscribers, if any; a `replay` or `behavior` one keeps it as the latest. */
  next(value: T): void {
    if (this.#end !== undefined) return
    if (this.#kind !== 'subject') this.#value = value
    const observers = this.#observers
    if (!isList(observers)) observers.next(value)
    else for (const observer of observers) observer.next(value)
  }

  /** Completes (now, or for the first subscriber to come). */
  complete(): void {
    if (this.#end !== undefined) return
    this.#end = 'complete'
    const observers = this.#observers
    this.#observers = NO_ITEMS
    for (const observer of itemsOf(observers)) observer.complete()
  }

  /** Errors (now, or for the first subscriber to come). */
  error(error: unknown): void {
    if (this.#end !== undefined) return
    this.#end = { error }
    const observers = this.#observers
    this.#observers = NO_ITEMS
    for (const observer of itemsOf(observers)) observer.error(error)
  }

  /**
   * Where RxJS subscribes a subscriber (the prototype method it calls, as its own `Subject` does):
   * a subscribe function given to `super` would be one more field on every instance.
   * @internal
   */
  _subscribe(subscriber: Subscriber<T>): TeardownLogic {
    return this.add(subscriber)
  }

  /**
   * Adds `subscriber` as the RxJS subject would: a replay replays first, an ended one ends it.
   * Returns what takes it off again (`undefined` when it ended at once). @internal
   */
  add(subscriber: LazyObserver<T>): Unsubscribable | undefined {
    return this.join(subscriber) ? new Removal(this, subscriber) : undefined
  }

  /**
   * {@link add} without an object to take it off: true when `subscriber` is on the list, to take
   * off with {@link remove} (a watch that lives as long as a chat keeps no removal). @internal
   */
  join(subscriber: LazyObserver<T>): boolean {
    const end = this.#end
    const value = this.#value
    if (this.#kind === 'replay' && value !== NO_VALUE) {
      if (end === undefined) this.#observers = withItem(this.#observers, subscriber)
      subscriber.next(value)
    } else if (end === undefined) {
      this.#observers = withItem(this.#observers, subscriber)
      if (this.#kind === 'behavior') subscriber.next(value as T)
    }
    if (end === 'complete') subscriber.complete()
    else if (end !== undefined) subscriber.error(end.error)
    return end === undefined
  }

  /** Takes `subscriber` off the list (it unsubscribed). @internal */
  remove(subscriber: LazyObserver<T>): void {
    this.#observers = withoutItem(this.#observers, subscriber)
  }
}

/**
 * What watches `source` with `observer` keep to stop: the subject itself when it is one (see
 * {@link LazySubject.join}), else what its `add` returned.
 *
 * @internal
 */
export function joined<T>(source: { add(observer: LazyObserver<T>): Unsubscribable | undefined }, observer: LazyObserver<T>): Unsubscribable | LazySubject<T> | undefined {
  return source instanceof LazySubject ? (source.join(observer) ? (source as LazySubject<T>) : undefined) : source.add(observer)
}

/** Stops what {@link joined} returned for `observer`. @internal */
export function leave<T>(inner: Unsubscribable | LazySubject<T> | undefined, observer: LazyObserver<T>): void {
  if (inner instanceof LazySubject) inner.remove(observer)
  else inner?.unsubscribe()
}

class Removal<T> implements Unsubscribable {
  constructor(
    readonly subject: LazySubject<T>,
    readonly subscriber: LazyObserver<T>,
  ) {}

  unsubscribe(): void {
    this.subject.remove(this.subscriber)
  }
}

/**
 * `subject`, made late, ended as `like` ended: completed, or failed when `failed` (a stream that
 * only completes with its owner passes false). @internal
 */
export function endedLike<T>(subject: LazySubject<T>, like: LazySubject<unknown>, failed: boolean): LazySubject<T> {
  const end = like.end
  if (end === 'complete') subject.complete()
  else if (end !== undefined && failed) subject.error(end.error)
  return subject
}
