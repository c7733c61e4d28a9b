import { type Observable, ReplaySubject, type Subscription, filter, firstValueFrom } from 'rxjs'

/** Records every value of an observable and lets a test await one that matches. */
export class Recorder<T> {
  readonly values: T[] = []
  readonly #subject = new ReplaySubject<T>()
  readonly #subscription: Subscription
  completed = false
  error: unknown

  constructor(source: Observable<T>) {
    this.#subscription = source.subscribe({
      next: (value) => {
        this.values.push(value)
        this.#subject.next(value)
      },
      error: (error: unknown) => {
        this.error = error
        this.#subject.error(error)
      },
      complete: () => {
        this.completed = true
        this.#subject.complete()
      },
    })
  }

  /** The first value (recorded or to come) that matches. */
  next(predicate: (value: T) => boolean): Promise<T> {
    return firstValueFrom(this.#subject.pipe(filter(predicate)))
  }

  /** Resolves when the source completes. */
  async done(): Promise<void> {
    await firstValueFrom(this.#subject, { defaultValue: undefined })
    await new Promise<void>((resolve, reject) => this.#subject.subscribe({ complete: resolve, error: reject }))
  }

  stop(): void {
    this.#subscription.unsubscribe()
  }
}
