// A subscriber's replay: older events read again from the legacy server, then the kept ones, then live ones, each once and in order.
import { type Observable, EMPTY, Observable as Stream, type Subscription, type Unsubscribable, concat, from, map } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import type { EventLog, LogEntry } from './event-log.js'
import { type LazyObserver, LazySubject, joined, leave } from './lazy-subject.js'
import type { ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import { remapMessages, replayStart } from './mapping-context.js'
import type { MessagingEventChange } from './messaging-types.js'
import type { Watchable } from './watch.js'

/**
 * Reads the chat resource's events from an event id: a function, or the chat's session itself (its
 * `snapshot({ from })`), which a chat has anyway where a function bound to it cost 48 bytes. @internal
 */
export type ReadFrom = ((from: number, signal: AbortSignal) => Promise<LegacySnapshot>) | Pick<ChatSessionPort, 'snapshot'>

/** What {@link replaying} replays from. @internal */
export interface ReplaySource {
  readonly conversationId: string
  readonly log: EventLog
  /** Every change as the feed emits it (completes or errors when the feed does). */
  readonly live$: Observable<LogEntry>
  /** `undefined`: the log keeps everything, nothing is read again. */
  readonly readFrom: ReadFrom | undefined
  readonly now: () => number
}

/**
 * The chat's changes with `sequence ≥ fromSeq`, then live ones (changes without a sequence only
 * live). What the log no longer keeps is read from the server and mapped again; live changes
 * arriving meanwhile wait, so the order holds and none is seen twice. A failed read errors this
 * subscription only, with {@link AdapterError} `E_REPLAY_FAILED`; the chat goes on.
 *
 * @internal
 */
export function replaying(source: ReplaySource, fromSeq: number): Watchable<MessagingEventChange> {
  return { add: (observer) => new Replay(fromSeq, source.log.lastIndex, observer).start(source) }
}

// Classes, not closures: a subscriber's replay stays subscribed as long as it watches the chat live.
class Replay implements Unsubscribable, LazyObserver<LogEntry> {
  // Its watch (the loop's `Holding`) guards the end: nothing reaches a stopped or ended observer.
  readonly #subscriber: LazyObserver<MessagingEventChange>
  readonly #fromSeq: number
  // The log's last index at the start: live entries up to it are the head's, not to be seen twice.
  readonly #high: number
  #live: Unsubscribable | LazySubject<LogEntry> | undefined
  // One field, not three: a live replay keeps none of its head's state (16 bytes a watcher).
  // While it is set, live changes wait in it; once the head is through, they pass straight on.
  #head: Head | undefined

  constructor(fromSeq: number, high: number, subscriber: LazyObserver<MessagingEventChange>) {
    this.#subscriber = subscriber
    this.#fromSeq = fromSeq
    this.#high = high
  }

  // The source is not kept: only the start needs it (8 bytes a watcher).
  start(source: ReplaySource): Unsubscribable {
    // Made before the live stream is joined: what it emits at once waits for the head too.
    const head = new Head(this)
    this.#head = head
    const fromSeq = this.#fromSeq
    const kept = source.log.kept(fromSeq)
    const below = source.log.keptFrom
    // The feed's own stream takes this replay as its observer: no RxJS subscriber chain per watcher.
    const live$ = source.live$
    this.#live = live$ instanceof LazySubject ? joined(live$, this) : live$.subscribe(new LiveObserver(this))
    const older = fromSeq < below && source.readFrom !== undefined ? readOlder(source, source.readFrom, fromSeq, below) : EMPTY
    const subscription = concat(older, from(kept).pipe(map(changeOf))).subscribe(head)
    // The kept events replay at once: a head already through is dropped with its subscription, not kept for the subscriber's life.
    if (!subscription.closed) head.subscription = subscription
    return this
  }

  /** A live change (the feed's stream calls these three). */
  next(entry: LogEntry): void {
    this.live(entry)
  }

  error(error: unknown): void {
    this.liveEnded({ error })
  }

  complete(): void {
    this.liveEnded('complete')
  }

  live(entry: LogEntry): void {
    if (entry.index <= this.#high || ('sequence' in entry.change && entry.change.sequence < this.#fromSeq)) return
    const head = this.#head
    if (head === undefined) this.#subscriber.next(entry.change)
    else head.waiting.push(entry)
  }

  liveEnded(ended: LiveEnd): void {
    const head = this.#head
    if (head !== undefined) head.ended = ended
    else if (ended === 'complete') this.#subscriber.complete()
    else this.#subscriber.error(ended.error)
  }

  head(change: MessagingEventChange): void {
    this.#subscriber.next(change)
  }

  headFailed(error: unknown): void {
    this.#head = undefined
    // What was waiting is never delivered: the live stream is let go with it, nothing comes after the error.
    const live = this.#live
    this.#live = undefined
    leave(live, this)
    this.#subscriber.error(error)
  }

  headDone(head: Head): void {
    this.#head = undefined
    for (const entry of head.waiting) this.#subscriber.next(entry.change)
    const ended = head.ended
    if (ended === 'complete') this.#subscriber.complete()
    else if (ended !== undefined) this.#subscriber.error(ended.error)
  }

  unsubscribe(): void {
    leave(this.#live, this)
    this.#head?.subscription?.unsubscribe()
  }
}

type LiveEnd = { readonly error: unknown } | 'complete'

class LiveObserver {
  constructor(readonly replay: Replay) {}

  next(entry: LogEntry): void {
    this.replay.live(entry)
  }

  error(error: unknown): void {
    this.replay.liveEnded({ error })
  }

  complete(): void {
    this.replay.liveEnded('complete')
  }
}

// The head's observer and what waits for it, one object dropped once the head is through.
class Head {
  // Live changes, and the live end, that came while the head was going out.
  readonly waiting: LogEntry[] = []
  ended: LiveEnd | undefined
  // Unset while the head subscribes, and when it went out at once.
  subscription: Subscription | undefined

  constructor(readonly replay: Replay) {}

  next(change: MessagingEventChange): void {
    this.replay.head(change)
  }

  error(error: unknown): void {
    this.replay.headFailed(error)
  }

  complete(): void {
    this.replay.headDone(this)
  }
}

function changeOf(entry: LogEntry): MessagingEventChange {
  return entry.change
}

function readOlder(source: ReplaySource, readFrom: ReadFrom, fromSeq: number, below: number): Observable<MessagingEventChange> {
  return new Stream<MessagingEventChange>((subscriber) => {
    const controller = new AbortController()
    let settled = false
    const from = replayStart(source.log.contexts, fromSeq)
    const read = typeof readFrom === 'function' ? readFrom(from, controller.signal) : readFrom.snapshot({ from, signal: controller.signal })
    read.then(
      (snapshot) => {
        settled = true
        for (const change of remapMessages(source.conversationId, source.log.contexts, snapshot.events.events, { fromSeq, below }, source.now())) subscriber.next(change)
        subscriber.complete()
      },
      (error: unknown) => {
        settled = true
        const detail = error instanceof Error ? `: ${error.message}` : ''
        subscriber.error(new AdapterError('E_REPLAY_FAILED', `could not replay conversation ${source.conversationId} from sequence ${fromSeq} from the legacy server${detail}`, { cause: error }))
      },
    )
    return () => {
      if (!settled) controller.abort()
    }
  })
}
