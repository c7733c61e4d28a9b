// A subscriber's replay: older events read again from the legacy server, then the kept ones, then live ones, each once and in order.
import { type Observable, EMPTY, Observable as Stream, concat, from, map } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import type { EventLog, LogEntry } from './event-log.js'
import type { LegacySnapshot } from './legacy-contract.js'
import { remapMessages, replayStart } from './mapping-context.js'
import type { MessagingEventChange } from './messaging-types.js'

/** Reads the chat resource's events from an event id (core's `session.snapshot({ from })`). @internal */
export type ReadFrom = (from: number, signal: AbortSignal) => Promise<LegacySnapshot>

/** What {@link replayThenLive} replays from. @internal */
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
export function replayThenLive(source: ReplaySource, fromSeq: number): Observable<MessagingEventChange> {
  return new Stream<MessagingEventChange>((subscriber) => {
    const { log } = source
    const high = log.lastIndex
    const kept = log.kept(fromSeq)
    const below = log.keptFrom
    const wanted = (entry: LogEntry): boolean => entry.index > high && (!('sequence' in entry.change) || entry.change.sequence >= fromSeq)
    // Live changes wait here until the replay is through; then they pass straight on.
    let waiting: LogEntry[] | undefined = []
    let ended: { readonly error: unknown } | 'complete' | undefined
    const live = source.live$.subscribe({
      next: (entry) => {
        if (!wanted(entry)) return
        if (waiting === undefined) subscriber.next(entry.change)
        else waiting.push(entry)
      },
      error: (error: unknown) => (waiting === undefined ? subscriber.error(error) : (ended = { error })),
      complete: () => (waiting === undefined ? subscriber.complete() : (ended = 'complete')),
    })
    const older = fromSeq < below && source.readFrom !== undefined ? readOlder(source, source.readFrom, fromSeq, below) : EMPTY
    const head = concat(older, from(kept).pipe(map((entry) => entry.change))).subscribe({
      next: (change) => subscriber.next(change),
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        const queued = waiting ?? []
        waiting = undefined
        for (const entry of queued) subscriber.next(entry.change)
        if (ended === 'complete') subscriber.complete()
        else if (ended !== undefined) subscriber.error(ended.error)
      },
    })
    return () => {
      live.unsubscribe()
      head.unsubscribe()
    }
  })
}

function readOlder(source: ReplaySource, readFrom: ReadFrom, fromSeq: number, below: number): Observable<MessagingEventChange> {
  return new Stream<MessagingEventChange>((subscriber) => {
    const controller = new AbortController()
    let settled = false
    readFrom(replayStart(source.log.contexts, fromSeq), controller.signal).then(
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
