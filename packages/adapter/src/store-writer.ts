// Writes one conversation's cursor and outbound record to its store: coalesced, fenced, one write at a time.
import { type Observable, type SchedulerLike, type Subscription, asyncScheduler, timer } from 'rxjs'
import type { ConversationLease, ConversationStore } from './conversation-store.js'
import { isLeaseLost } from './conversation-store.js'
import type { OutboundRecord } from './outbound-record.js'
import type { PollCursor } from './poll-cursor.js'
import type { StateWatcher } from './state-holder.js'

/** How a {@link StoreWriter} waits before writing again after a failure. @internal */
export interface RetryTiming {
  readonly retryMs: number
  readonly scheduler: SchedulerLike
}

const DEFAULT_TIMING: RetryTiming = { retryMs: 1_000, scheduler: asyncScheduler }

/** What a writer holds only while a write is pending, in flight or due to be retried. */
interface PendingWrite {
  cursor: PollCursor | undefined
  outbound: OutboundRecord | undefined
  running: Promise<void> | undefined
  retry: Subscription | undefined
}

/** Who a {@link StoreWriter} writes for and reports to (the conversation itself: no callbacks per chat). @internal */
export interface StoreWriterOwner {
  /** The store written to. */
  readonly store: ConversationStore
  /** The lease every write is fenced by: held before the writer is given anything to write. */
  lease(): ConversationLease | undefined
  /** Tests' timing; left out, the writer waits 1 000 ms on rxjs' async scheduler. */
  readonly retryTiming?: RetryTiming | undefined
  /** A write refused because the lease is gone; called once, the writer is stopped. */
  onLeaseLost(error: unknown): void
  /** A failed write that is tried again (the store unreachable). */
  onError(error: unknown): void
}

/**
 * Saves a conversation's state as it changes: the latest value of each wins (values superseded
 * while a write is in flight are never written), one write is in flight at a time, and a cursor
 * that did not move is not written again. A write refused because the lease is gone stops the
 * writer for good and calls `onLeaseLost` once; other failures (the store unreachable) go to
 * `onError` and the latest values are written again after `retryMs`, with the next change or on
 * {@link flush}, whichever comes first — so when the store returns it converges on the latest state.
 * It watches the cursor's and the record's holders itself (see {@link next}). Its helpers are
 * TS-private, not `#`: `#` methods cost every instance a brand field.
 *
 * @internal
 */
export class StoreWriter implements StateWatcher<PollCursor | OutboundRecord> {
  // Also the store, the lease and the timing: read from the owner, which keeps them, not copied here (24 bytes a chat).
  readonly #owner: StoreWriterOwner
  #written: PollCursor | undefined
  // One object, made when a write is due and dropped once idle: an idle chat keeps no pending-write fields (24 bytes less per chat).
  #pending: PendingWrite | undefined
  // Stopped: `true`, or the lease's loss (one field, not a flag and an error).
  #end: Error | true | undefined

  /** @param written the cursor the store already has (a resumed conversation's), so an older one is not written over it. */
  constructor(owner: StoreWriterOwner, written?: PollCursor) {
    this.#written = written
    this.#owner = owner
  }

  /** A holder's change: the cursor's or the record's (one watcher for both, not an observer object each). */
  next(value: PollCursor | OutboundRecord): void {
    if ('lines' in value) this.outbound(value)
    else this.cursor(value)
  }

  /** Saves `cursor` unless it is where the store's cursor already is (or behind it). */
  cursor(cursor: PollCursor): void {
    const pending = this.#pending?.cursor
    const last = pending ?? this.#written
    if (last !== undefined && (cursor.from < last.from || (cursor.from === last.from && cursor.next === last.next))) {
      // The same position again: keep the newer equal object, so the older one (and its copy of the `next` href) can go.
      if (pending === undefined && cursor.from === last.from) this.#written = cursor
      return
    }
    this.state().cursor = cursor
    this.kick()
  }

  /** Saves the outbound record. */
  outbound(record: OutboundRecord): void {
    this.state().outbound = record
    this.kick()
  }

  /** Resolves once every value given so far is written; rejects when a write failed (the lease's loss included). */
  async flush(): Promise<void> {
    this.kick()
    while (this.#pending?.running !== undefined) await this.#pending.running
    if (this.#end instanceof Error) throw this.#end
    if (this.unsaved()) {
      // The last write failed for another reason (reported to onError): try once more, now.
      try {
        await this.writeOnce()
      } finally {
        this.settle()
      }
    }
  }

  /**
   * {@link flush}, but while the store says it is unreachable (`available` false) it waits for the
   * store, trying every `retryMs`, instead of failing: a line is not given up because Redis blinked
   * (the chat is polled meanwhile, so it does not expire). Rejects on the lease's loss, any other
   * failure, or `signal`.
   */
  async flushWhenReachable(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      try {
        return await this.flush()
      } catch (error) {
        if (this.#end !== undefined || this.#owner.store.available !== false || signal?.aborted === true) throw error
        await this.pause(signal)
      }
    }
  }

  private pause(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = (): void => {
        wait.unsubscribe()
        resolve()
      }
      const wait = this.retryTimer().subscribe(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Writes nothing more. */
  stop(): void {
    this.#end ??= true
    this.cancelRetry()
    this.settle()
  }

  private state(): PendingWrite {
    return (this.#pending ??= { cursor: undefined, outbound: undefined, running: undefined, retry: undefined })
  }

  private unsaved(): boolean {
    return this.#pending?.cursor !== undefined || this.#pending?.outbound !== undefined
  }

  private settle(): void {
    const pending = this.#pending
    if (pending?.cursor === undefined && pending?.outbound === undefined && pending?.running === undefined && pending?.retry === undefined) this.#pending = undefined
  }

  private cancelRetry(): void {
    const pending = this.#pending
    pending?.retry?.unsubscribe()
    if (pending !== undefined) pending.retry = undefined
  }

  private kick(): void {
    if (this.#pending?.running !== undefined || this.#end !== undefined) return
    this.cancelRetry()
    const running = this.drain().finally(() => {
      this.state().running = undefined
      this.settle()
    })
    // Set after drain()'s synchronous start, which may drop the state and make it anew (a store that throws at once).
    this.state().running = running
  }

  private async drain(): Promise<void> {
    try {
      while (this.#end === undefined && this.unsaved()) await this.writeOnce()
    } catch (error) {
      if (!(this.#end instanceof Error)) {
        this.#owner.onError(error)
        this.scheduleRetry()
      }
    }
  }

  private scheduleRetry(): void {
    if (this.#end !== undefined || this.#pending?.retry !== undefined) return
    // After the drain's `finally` cleared `running`, so the retry may start one.
    this.state().retry = this.retryTimer().subscribe(() => {
      this.state().retry = undefined
      this.kick()
      // Idle now if the lease was lost meanwhile: the kick starts nothing.
      this.settle()
    })
  }

  private retryTimer(): Observable<0> {
    const { retryMs, scheduler } = this.#owner.retryTiming ?? DEFAULT_TIMING
    return timer(retryMs, scheduler)
  }

  private async writeOnce(): Promise<void> {
    const { store } = this.#owner
    const lease = this.#owner.lease()
    // Never so (the owner takes the lease before it gives the writer a value): the values stay for the next try, as on a failure.
    if (lease === undefined) throw new Error('no lease to write under')
    const cursor = this.#pending?.cursor
    let outbound: OutboundRecord | undefined
    try {
      if (cursor !== undefined) {
        this.state().cursor = undefined
        await store.saveCursor(lease, cursor)
        this.#written = cursor
      }
      // Taken after the cursor's write: a record given meanwhile supersedes the older one.
      outbound = this.#pending?.outbound
      if (outbound !== undefined) {
        this.state().outbound = undefined
        await store.saveOutbound(lease, outbound)
      }
    } catch (error) {
      if (isLeaseLost(error)) {
        this.#end = error instanceof Error ? error : new Error(String(error))
        this.#owner.onLeaseLost(error)
      } else {
        // Keep the values for the next try, unless newer ones arrived.
        const pending = this.state()
        pending.cursor ??= cursor
        pending.outbound ??= outbound
      }
      throw error
    }
  }
}
