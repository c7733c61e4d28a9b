// A value with one owner and observable changes: the engine's durable state lives in these.
import { BehaviorSubject, type Observable } from 'rxjs'

/**
 * Holds one plain value (the poll cursor, the outbound queue's records, …) for its single writer
 * and any number of readers. `changes$` emits the current value, then every change, so a store
 * can save each one; load a stored value by passing it as `initial`.
 *
 * @internal
 */
export class StateHolder<T> {
  readonly #value$: BehaviorSubject<T>

  /** Makes a holder whose value starts as `initial` (e.g. one loaded from a store). */
  constructor(initial: T) {
    this.#value$ = new BehaviorSubject(initial)
  }

  /** The current value. */
  get value(): T {
    return this.#value$.value
  }

  /** Replaces the value; readers and `changes$` see it at once. A value equal by identity is not emitted again. */
  set(value: T): void {
    if (value !== this.#value$.value) this.#value$.next(value)
  }

  /** The current value, then each change. */
  get changes$(): Observable<T> {
    return this.#value$.asObservable()
  }
}
