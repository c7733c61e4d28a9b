// A value with one owner and observable changes: the engine's durable state lives in these.
import { BehaviorSubject, type Observable } from 'rxjs'

/** A plain watcher of a {@link StateHolder}'s changes (a store writer): no subscription per chat. @internal */
export interface StateWatcher<T> {
  next(value: T): void
}

/**
 * Holds one plain value (the poll cursor, the outbound queue's records, …) for its single writer
 * and any number of readers. `changes$` emits the current value, then every change, so a store
 * can save each one; load a stored value by passing it as `initial`. The subject behind `changes$`
 * is made on its first use: most holders only ever have their one {@link watch}er.
 *
 * @internal
 */
export class StateHolder<T> {
  #value: T
  #value$: BehaviorSubject<T> | undefined
  #watcher: StateWatcher<T> | undefined

  /** Makes a holder whose value starts as `initial` (e.g. one loaded from a store). */
  constructor(initial: T) {
    this.#value = initial
  }

  /** The current value. */
  get value(): T {
    return this.#value
  }

  /** Replaces the value; readers, the watcher and `changes$` see it at once. A value equal by identity is not emitted again. */
  set(value: T): void {
    if (value === this.#value) return
    this.#value = value
    this.#value$?.next(value)
    this.#watcher?.next(value)
  }

  /** The current value, then each change. */
  get changes$(): Observable<T> {
    this.#value$ ??= new BehaviorSubject(this.#value)
    return this.#value$.asObservable()
  }

  /** Calls `watcher` with every change from now on (not the current value); one watcher, a later one (or `undefined`) replaces it. */
  watch(watcher: StateWatcher<T> | undefined): void {
    this.#watcher = watcher
  }
}
