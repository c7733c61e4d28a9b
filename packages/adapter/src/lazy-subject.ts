// A multicast stream that behaves as an RxJS Subject, ReplaySubject(1) or BehaviorSubject, holding its subscribers in a plain list.
import { Observable, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs'

/** Which RxJS subject a {@link LazySubject} behaves as. @internal */
export type LazyKind = 'subject' | 'replay' | 'behavior'

// Subscriber lists are copied on change (a chat's stream has none to three), so `next` walks the
// list as it was without a copy, and an empty one is this shared array.
const NONE: readonly Subscriber<never>[] = []

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
  #observers: readonly Subscriber<T>[] = NONE
  #hasValue: boolean
  #value: T | undefined
  #end: { readonly error: unknown } | 'complete' | undefined

  /** A `behavior` one needs its `initial` value; a `replay` one given `initial` replays it. */
  constructor(kind: LazyKind, ...initial: [] | [T]) {
    super(subscribeLazily)
    this.#kind = kind
    this.#hasValue = initial.length > 0
    this.#value = initial[0]
  }

  /** The latest value of a `replay` or `behavior` one (`undefined` before the first); a plain `subject` keeps none. */
  get value(): T | undefined {
    return this.#value
  }

  /** Emits `value` to the subscribers, if any; a `replay` or `behavior` one keeps it as the latest. */
  next(value: T): void {
    if (this.#end !== undefined) return
    if (this.#kind !== 'subject') {
      this.#hasValue = true
      this.#value = value
    }
    const observers = this.#observers
    for (const observer of observers) observer.next(value)
  }

  /** Completes (now, or for the first subscriber to come). */
  complete(): void {
    if (this.#end !== undefined) return
    this.#end = 'complete'
    const observers = this.#observers
    this.#observers = NONE
    for (const observer of observers) observer.complete()
  }

  /** Errors (now, or for the first subscriber to come). */
  error(error: unknown): void {
    if (this.#end !== undefined) return
    this.#end = { error }
    const observers = this.#observers
    this.#observers = NONE
    for (const observer of observers) observer.error(error)
  }

  /** Adds `subscriber` as the RxJS subject would: a replay replays first, an ended one ends it. @internal */
  add(subscriber: Subscriber<T>): TeardownLogic {
    const end = this.#end
    if (this.#kind === 'replay' && this.#hasValue) {
      if (end === undefined) this.#push(subscriber)
      subscriber.next(this.#value as T)
    } else if (end === undefined) {
      this.#push(subscriber)
      if (this.#kind === 'behavior') subscriber.next(this.#value as T)
    }
    if (end === 'complete') subscriber.complete()
    else if (end !== undefined) subscriber.error(end.error)
    return end === undefined ? new Removal(this, subscriber) : undefined
  }

  #push(subscriber: Subscriber<T>): void {
    this.#observers = this.#observers.length === 0 ? [subscriber] : [...this.#observers, subscriber]
  }

  /** Takes `subscriber` off the list (it unsubscribed). @internal */
  remove(subscriber: Subscriber<T>): void {
    const observers = this.#observers
    const at = observers.indexOf(subscriber)
    if (at < 0) return
    this.#observers = observers.length === 1 ? NONE : observers.filter((_, i) => i !== at)
  }
}

// One function for every lazy subject (RxJS calls it with the Observable as `this`), not a closure each.
function subscribeLazily(this: Observable<unknown>, subscriber: Subscriber<unknown>): TeardownLogic {
  return (this as LazySubject<unknown>).add(subscriber)
}

class Removal<T> implements Unsubscribable {
  constructor(
    readonly subject: LazySubject<T>,
    readonly subscriber: Subscriber<T>,
  ) {}

  unsubscribe(): void {
    this.subject.remove(this.subscriber)
  }
}
