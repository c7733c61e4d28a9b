// The streams a connection completes when it closes, kept in a set instead of a takeUntil subscription each.
import type { Observable, Subscriber, TeardownLogic, Unsubscribable } from 'rxjs'

/**
 * Subscribers a connection hands a chat's events to once the chat is ready, and completes on
 * close: one set entry per watched chat, where `takeUntil(closed$)` and `switchMap` cost a
 * subscriber chain each.
 *
 * @internal
 */
export class Watchers<T> {
  readonly #subscribers = new Set<Subscriber<T>>()

  /** Subscribes `subscriber` to `events()` once `ready` resolves (its rejection errors it); returns the teardown. */
  follow(subscriber: Subscriber<T>, ready: Promise<unknown>, events: () => Observable<T>): TeardownLogic {
    this.#subscribers.add(subscriber)
    ready.then(
      () => {
        if (!subscriber.closed) events().subscribe(subscriber)
      },
      (error: unknown) => subscriber.error(error),
    )
    return new Unfollow(this.#subscribers, subscriber)
  }

  /** Completes every subscriber still following. */
  completeAll(): void {
    for (const subscriber of [...this.#subscribers]) subscriber.complete()
  }
}

// The teardown as an object of two fields: a closure here kept the whole `follow` scope for the watch's life.
class Unfollow<T> implements Unsubscribable {
  constructor(
    readonly subscribers: Set<Subscriber<T>>,
    readonly subscriber: Subscriber<T>,
  ) {}

  unsubscribe(): void {
    this.subscribers.delete(this.subscriber)
  }
}
