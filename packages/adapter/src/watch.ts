// Streams inside the engine as plain observers; RxJS Observables are their public face only.
import { Observable, type Unsubscribable, config } from 'rxjs'
import type { LazyObserver } from './lazy-subject.js'

/**
 * Something that starts sending to an observer and returns what stops it (`undefined` when it ended
 * at once). A socket keeps its streams for its whole life, and each RxJS subscription on the way
 * costs a subscriber, an observer and a finalizer array of 17 slots; a watch costs the objects of
 * its own state only.
 *
 * @internal
 */
export interface Watchable<T> {
  add(observer: LazyObserver<T>): Unsubscribable | undefined
}

/** A watch started by a function (`watch(observer)`), as its public Observable face. @internal */
export function observableOf<T>(watch: (observer: LazyObserver<T>) => Unsubscribable | undefined): Observable<T> {
  return new Observable<T>((subscriber) => watch(subscriber))
}

/** Completes `observer` at once; returns what stops the (ended) watch. @internal */
export function completed(observer: LazyObserver<unknown>): Unsubscribable {
  observer.complete()
  return STOPPED
}

/** What stops a watch that ended at once (or never started). @internal */
export const STOPPED: Unsubscribable = { unsubscribe: () => undefined }

/**
 * Reports a throw from an observer the way RxJS does for a subscriber's (`config.onUnhandledError`,
 * else thrown on a later tick), so a consumer's failing callback never ends the stream or the chat's loop.
 *
 * @internal
 */
export function reportUnhandled(error: unknown): void {
  setTimeout(() => {
    const report = config.onUnhandledError
    if (report === null) throw error
    report(error)
  })
}

/** Tells `observer` of a stream's end only, its values dropped: all a host waiting for a chat's end keeps. @internal */
export class EndOnly implements LazyObserver<unknown> {
  constructor(readonly observer: Pick<LazyObserver<unknown>, 'error' | 'complete'>) {}

  next(): void {}

  error(error: unknown): void {
    this.observer.error(error)
  }

  complete(): void {
    this.observer.complete()
  }
}
