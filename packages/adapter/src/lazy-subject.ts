// A Subject made only when someone subscribes: until then plain fields hold its latest value and its end.
import { BehaviorSubject, Observable, ReplaySubject, Subject, type Subscriber, type TeardownLogic } from 'rxjs'

/** Which RxJS subject a {@link LazySubject} behaves as. @internal */
export type LazyKind = 'subject' | 'replay' | 'behavior'

/**
 * An Observable that behaves exactly as a `Subject`, a `ReplaySubject(1)` or a `BehaviorSubject`
 * (`kind`), but makes that subject on the first subscription, from the latest value and the end
 * held in plain fields until then: most chats are never watched on most of their streams, and a
 * subject with nobody subscribed costs an object, an observer array and a subscription chain.
 *
 * @internal
 */
export class LazySubject<T> extends Observable<T> {
  readonly #kind: LazyKind
  #subject: Subject<T> | undefined
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

  /** The latest value (`undefined` before the first). */
  get value(): T | undefined {
    return this.#value
  }

  /** Emits `value` to the subscribers, if any, and keeps it as the latest. */
  next(value: T): void {
    if (this.#end !== undefined) return
    this.#hasValue = true
    this.#value = value
    this.#subject?.next(value)
  }

  /** Completes (now, or for the first subscriber to come). */
  complete(): void {
    if (this.#end !== undefined) return
    this.#end = 'complete'
    this.#subject?.complete()
  }

  /** Errors (now, or for the first subscriber to come). */
  error(error: unknown): void {
    if (this.#end !== undefined) return
    this.#end = { error }
    this.#subject?.error(error)
  }

  /** @internal The subject, made now when nobody had subscribed yet. */
  subject(): Subject<T> {
    if (this.#subject !== undefined) return this.#subject
    const subject = this.#kind === 'behavior' ? new BehaviorSubject<T>(this.#value as T) : this.#kind === 'replay' ? new ReplaySubject<T>(1) : new Subject<T>()
    if (this.#kind === 'replay' && this.#hasValue) subject.next(this.#value as T)
    if (this.#end === 'complete') subject.complete()
    else if (this.#end !== undefined) subject.error(this.#end.error)
    this.#subject = subject
    return subject
  }
}

// One function for every lazy subject (RxJS calls it with the Observable as `this`), not a closure each.
function subscribeLazily(this: Observable<unknown>, subscriber: Subscriber<unknown>): TeardownLogic {
  return (this as LazySubject<unknown>).subject().subscribe(subscriber)
}
