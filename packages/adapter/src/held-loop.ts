// One chat's poll loop, held by its subscribers: started by the first, stopped a grace period after the last leaves.
import type { SchedulerLike, Subscription, Unsubscribable } from 'rxjs'
import { type Few, NO_ITEMS, countOf, itemsOf, withItem, withoutItem } from './exact-lists.js'
import { type LazyObserver, type LazySubject, joined, leave } from './lazy-subject.js'
import { type Watchable, reportUnhandled } from './watch.js'

/**
 * The observer of a {@link HeldLoop}'s running loop (the held loop itself): each value to its
 * {@link LoopStarter}, its failure and its end to the held loop.
 *
 * @internal
 */
export interface LoopRun<T> {
  /** Hands `value` to the starter; a throw there fails the loop, as inside an operator. */
  next(value: T): void
  error(error: unknown): void
  complete(): void
}

/**
 * Starts a {@link HeldLoop}'s loop and takes its values, as methods, so its owner keeps no closure
 * for them. A loop it started and that was unsubscribed calls its run no more (as an RxJS source
 * stops emitting): the run is the held loop's, one object for all its runs, so a late call would
 * count for the next run.
 *
 * @internal
 */
export interface LoopStarter<T> {
  startLoop(run: LoopRun<T>): Unsubscribable
  applyOutput(value: T): void
}

/** What keeps a {@link HeldLoop} running with nothing to hear (see {@link HeldLoop.keep}): its owner, not an object of its own. @internal */
export type LoopKeeper = object

// Holders are copied on change (a chat has one to three): none, the one holder itself, or an exact-size array.
// A holder is a watch or a keeper.
const NO_HOLDERS: Few<Holding<unknown> | LoopKeeper> = NO_ITEMS

/**
 * What `share({ resetOnError: true, resetOnComplete: false, resetOnRefCountZero: timer(graceMs) })`
 * did for a chat's loop, as plain code (the operator chain cost a Subject and a dozen closures and
 * subscribers per chat): {@link watch}ing streams keep the loop running; once none does, it stops
 * after `graceMs` unless one comes back meanwhile. A failed loop errors the streams holding it and
 * starts again for the next one; a loop that completed (the chat is over) is not started again.
 *
 * @internal
 */
export class HeldLoop<T = never> implements LoopRun<T> {
  readonly #start: LoopStarter<T>
  readonly #graceMs: number
  readonly #scheduler: SchedulerLike
  #holders = NO_HOLDERS
  #running: Unsubscribable | undefined
  #grace: Subscription | undefined
  #done = false
  // Counts the runs of the loop: one that ended while it started is not kept.
  #run = 0

  /** `start` subscribes the loop (synchronously emitting, possibly ending, before it returns). */
  constructor(start: LoopStarter<T>, graceMs: number, scheduler: SchedulerLike) {
    this.#start = start
    this.#graceMs = graceMs
    this.#scheduler = scheduler
  }

  /**
   * `observer` watches `source`, keeping the loop running until it stops (or the source or the loop
   * ends); errors with the loop's failure. A throw in `observer` is reported (see `reportUnhandled`),
   * never the loop's failure. Returns what stops the watch.
   */
  watch<T>(source: Watchable<T>, observer: LazyObserver<T>): Unsubscribable {
    const holding = new Holding(this, observer)
    holding.attach(source)
    if (!holding.done) this.hold(holding)
    return holding
  }

  /**
   * `keeper` keeps the loop running, as a watch would, until {@link release}d or the loop fails or
   * ends: a conversation kept polled with nobody listening costs no watch object.
   */
  keep(keeper: LoopKeeper): void {
    this.hold(keeper)
  }

  /** Stops the loop for good (later streams are not held, nothing restarts it). */
  stop(): void {
    this.#done = true
    this.#holders = NO_HOLDERS
    this.halt()
  }

  /** The loop failed (its own error, or a consumer of its output threw): the holders error, the next one restarts it. */
  fail(error: unknown): void {
    this.halt()
    const holders = this.#holders
    this.#holders = NO_HOLDERS
    for (const holder of itemsOf(holders)) if (holder instanceof Holding) holder.error(error)
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private hold(holder: Holding<unknown> | LoopKeeper): void {
    if (this.#done) return
    this.#holders = withItem(this.#holders, holder, true)
    this.#grace?.unsubscribe()
    this.#grace = undefined
    if (this.#running !== undefined) return
    const run = ++this.#run
    const subscription = this.#start.startLoop(this)
    // Ended (or failed) while it started: `#halt` counted a run more.
    if (run !== this.#run) subscription.unsubscribe()
    else this.#running = subscription
  }

  /** The running loop's value, to the starter; a throw there fails the loop. @internal */
  next(value: T): void {
    try {
      this.#start.applyOutput(value)
    } catch (error) {
      this.error(error)
    }
  }

  /** The running loop failed: as {@link fail}. @internal */
  error(error: unknown): void {
    if (!this.#done) this.fail(error)
  }

  /** The running loop ended (the chat is over): the holders are let go, and nothing restarts it. @internal */
  complete(): void {
    this.stop()
  }

  /** `holder` (a watch, or a keeper) no longer holds the loop (see {@link watch}, {@link keep}). */
  release(holder: Holding<unknown> | LoopKeeper): void {
    const holders = withoutItem(this.#holders, holder)
    if (holders === this.#holders) return
    this.#holders = holders
    if (countOf(holders) > 0 || this.#running === undefined || this.#grace !== undefined) return
    this.#grace = this.#scheduler.schedule(() => {
      this.#grace = undefined
      if (countOf(this.#holders) === 0) this.halt()
    }, this.#graceMs)
  }

  private halt(): void {
    this.#run += 1
    this.#grace?.unsubscribe()
    this.#grace = undefined
    const running = this.#running
    this.#running = undefined
    running?.unsubscribe()
  }
}

// What a watch's `#inner` is once it ended: one field, not two with a flag (8 bytes a watch). Its own,
// not watch.ts's `STOPPED`, which a source may hand back as a live inner.
const ENDED: Unsubscribable = { unsubscribe() {} }

// An object with prototype methods rather than closures: a chat keeps one per held stream.
// The watch's end in one place, as an RxJS subscriber has it: nothing reaches the observer after
// it, and it stops the source and lets the loop go.
class Holding<T> implements LazyObserver<T>, Unsubscribable {
  #inner: Unsubscribable | LazySubject<T> | undefined

  constructor(
    readonly loop: HeldLoop,
    readonly observer: LazyObserver<T>,
  ) {}

  // A getter, not a field: the prototype's, no instance pays for it.
  get done(): boolean {
    return this.#inner === ENDED
  }

  attach(source: Watchable<T>): void {
    const inner = joined(source, this)
    if (this.done) leave(inner, this)
    else this.#inner = inner
  }

  next(value: T): void {
    if (this.done) return
    try {
      this.observer.next(value)
    } catch (error) {
      reportUnhandled(error)
    }
  }

  error(error: unknown): void {
    if (this.done) return
    this.unsubscribe()
    try {
      this.observer.error(error)
    } catch (thrown) {
      reportUnhandled(thrown)
    }
  }

  complete(): void {
    if (this.done) return
    this.unsubscribe()
    try {
      this.observer.complete()
    } catch (thrown) {
      reportUnhandled(thrown)
    }
  }

  unsubscribe(): void {
    const inner = this.#inner
    if (inner === ENDED) return
    this.#inner = ENDED
    leave(inner, this)
    this.loop.release(this)
  }
}
