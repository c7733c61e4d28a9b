// The poll loop (the "source") and the supplier that fetches one page of a chat for it.
import { type SchedulerLike, EMPTY, Observable, concatMap, defer, expand, from, ignoreElements, map, merge, of, race, take, tap, throwIfEmpty, timer, catchError } from 'rxjs'
import { trustedNextLink } from '@chatbridge/core'
import { AdapterError } from './adapter-error.js'
import { isChatOver } from './chat-over.js'
import type { ChatSessionPort, LegacyEvent, LegacyInfo, LegacySnapshot } from './legacy-contract.js'
import { type PacingOptions, type PacingInput, backoffWaitMs, nextPollWaitMs, pollIntervalMs } from './pacing.js'
import { type PollCursor, type PollCursorHolder, cursorHolder } from './poll-cursor.js'
import { type PollStopReason, decidePollFailure, serverAnswered } from './poll-stop-decision.js'
import { freshEvents } from './fresh-events.js'
import { type PollReportListener, sendPollReport } from './poll-report.js'
import type { BackoffOptions, RandomSource } from './retry-decision.js'

export type { PollCursor, PollCursorHolder } from './poll-cursor.js'
export type { PollStopReason } from './poll-stop-decision.js'

/**
 * Fetches the chat resource once from a cursor (the "supplier"). It must emit one snapshot and
 * complete, or error; unsubscribing must cancel the request in flight.
 */
export type PollSupplier = (cursor: PollCursor) => Observable<LegacySnapshot>

/**
 * The supplier for a core chat session: `followNext(cursor.next)` when there is a `next` link, else
 * `snapshot({ from })`. Each request has its own `AbortController`, aborted when an unsubscribe
 * finds it still in flight.
 */
export function sessionSupplier(session: Pick<ChatSessionPort, 'snapshot' | 'followNext'>): PollSupplier {
  // An idle chat follows the same `next` link poll after poll: parse it once (core copies it before use).
  let parsed: { readonly href: string; readonly url: URL } | undefined
  const urlOf = (href: string): URL => {
    if (parsed?.href !== href) parsed = { href, url: new URL(href) }
    return parsed.url
  }
  return (cursor) =>
    new Observable<LegacySnapshot>((subscriber) => {
      const controller = new AbortController()
      let settled = false
      const request =
        cursor.next === undefined
          ? session.snapshot({ from: cursor.from, signal: controller.signal })
          : session.followNext(urlOf(cursor.next), { signal: controller.signal })
      request.then(
        (snapshot) => {
          settled = true
          subscriber.next(snapshot)
          subscriber.complete()
        },
        (error: unknown) => {
          settled = true
          subscriber.error(error)
        },
      )
      // Aborting builds a DOMException with a stack: only worth it for a request still in flight.
      return () => {
        if (!settled) controller.abort()
      }
    })
}

/**
 * What the poll loop is doing, for users (a documented union in the spirit of matrix-js-sdk's sync
 * states):
 * - `connecting`: no poll has succeeded yet;
 * - `live`: the last poll succeeded;
 * - `backing-off`: the last poll failed and another follows in `retryInMs` (attempt counts from 1);
 * - `closed`: polling stopped for good, with a {@link PollStopReason} — the chat `ended`, is
 *   `chat-gone`, the server was `server-silent` past `chatTimeout`, the server `refused`, the
 *   failure was `unexpected` (a bug), or the request was `aborted` by someone else.
 */
export type PollerState =
  | { readonly status: 'connecting' }
  | { readonly status: 'live' }
  | { readonly status: 'backing-off'; readonly retryInMs: number; readonly attempt: number; readonly error: unknown }
  | { readonly status: 'closed'; readonly reason: PollStopReason; readonly error?: unknown }

/** One value of the poll loop. */
export type PollerOutput =
  /** New events (ascending `@id`, each delivered once) and the info that came with them. */
  | { readonly kind: 'page'; readonly events: readonly LegacyEvent[]; readonly info: LegacyInfo | undefined; readonly cursor: PollCursor }
  | { readonly kind: 'state'; readonly state: PollerState }
  /** A failed poll that will be retried (e.g. a decode error); the cursor is kept. */
  | { readonly kind: 'error'; readonly error: unknown }

/** Timing of the poll loop. */
export interface ChatPollerOptions {
  readonly pacing: PacingOptions
  readonly backoff: BackoffOptions
  /** Jitter source; default `Math.random`. */
  readonly random: RandomSource
  /** Every wait goes through it, so `TestScheduler` can drive the loop; default `asyncScheduler`. */
  readonly scheduler: SchedulerLike
  /**
   * This chat's outbound activity (the visitor typing or sending a line): each value cuts a longer
   * wait short to the state's interval, and the next poll counts as active. Per chat; default none.
   */
  readonly activity$?: Observable<unknown> | undefined
  /** Called once per settled poll with a `PollReport` (see `ConnectionOptions.onPoll`); default none. */
  readonly onPoll?: PollReportListener | undefined
  /** The chat's id, for those reports; default `''`. */
  readonly conversationId?: string | undefined
}

interface Step {
  readonly outputs: readonly PollerOutput[]
  /** The cursor to commit once `outputs` have been emitted. */
  readonly commit: PollCursor | undefined
  /** The wait before the next poll; `undefined` stops the loop. */
  readonly waitMs: number | undefined
}

/**
 * The poll loop (the "source"): reads the chat resource through `supplier` from `cursor`, emits
 * each event once in `@id` order, waits as pacing says, backs off on failure, and completes once
 * the chat is over (after emitting its last page) or a failure is not retried. What counts as over
 * is `isChatOver`; when to give up is `decidePollFailure`: this loop only paces and carries out.
 *
 * - One request at a time: the next poll starts only after the previous one settled and its wait
 *   passed; a slow server never causes a backlog.
 * - The cursor advances only after a page was emitted, and events below it are filtered out, so
 *   overlapping pages and retries never emit an event twice.
 * - `cursor` is either where to start (each subscription then keeps its own) or a
 *   {@link PollCursorHolder}, the one place the chat's cursor lives: the loop reads it before each
 *   poll and commits to it after each page, so a restarted loop resumes where the last one stopped.
 * - Unsubscribing cancels the wait or the request in flight. Cold: each subscription runs its own
 *   loop; share it (see `ChatFeed`) for one loop per chat.
 */
export function pollChat(supplier: PollSupplier, cursor: PollCursor | PollCursorHolder, config: ChatPollerOptions): Observable<PollerOutput> {
  return defer(() => {
    const holder = isHolder(cursor) ? cursor : cursorHolder(cursor)
    let failures = 0
    let live = false
    let pacing: PacingInput = { chatState: undefined, chatTimeoutS: undefined }
    // The wait before the poll now in flight, and whether the visitor did something during it.
    let lastWaitMs: number | undefined
    let outbound = false
    // When the server last answered anything (a page or an HTTP error): a chat whose server did not
    // answer for longer than its chatTimeout has been ended by that server, so waiting on is futile.
    let lastAnswerAt = config.scheduler.now()

    // When the poll in flight started, for its PollReport.
    let pollStartedAt = 0
    const reportPoll = (events: readonly LegacyEvent[], failed: boolean, error?: unknown): void => {
      if (config.onPoll !== undefined) sendPollReport(config.onPoll, config.conversationId ?? '', pollStartedAt, config.scheduler.now(), events, failed, error)
    }

    const onPage = (snapshot: LegacySnapshot): Step => {
      const fromId = holder.value.from
      const events = freshEvents(snapshot.events.events, fromId)
      reportPoll(events, false)
      const last = events.at(-1)
      const nextFrom = last === undefined ? fromId : last.id + 1
      const next: PollCursor = { from: nextFrom, next: trustedNextLink(snapshot.links, nextFrom)?.href }
      const previousState = pacing.chatState
      pacing = {
        chatState: snapshot.info?.state ?? lastStateOf(events) ?? pacing.chatState,
        chatTimeoutS: snapshot.info?.chatTimeout ?? pacing.chatTimeoutS,
      }
      const active = events.length > 0 || pacing.chatState !== previousState || snapshot.info?.agentTyping === 'typing' || outbound
      const over = isChatOver({ events, info: snapshot.info })
      const outputs: PollerOutput[] = []
      if (!live) outputs.push({ kind: 'state', state: { status: 'live' } })
      live = true
      failures = 0
      lastAnswerAt = config.scheduler.now()
      outputs.push({ kind: 'page', events, info: snapshot.info, cursor: next })
      if (over) outputs.push({ kind: 'state', state: { status: 'closed', reason: 'ended' } })
      return { outputs, commit: next, waitMs: over ? undefined : nextPollWaitMs(pacing, { active, lastWaitMs }, config.pacing) }
    }

    const onFailure = (error: unknown): Step => {
      reportPoll([], true, error)
      live = false
      const now = config.scheduler.now()
      if (serverAnswered(error)) lastAnswerAt = now
      const chatTimeoutMs = (pacing.chatTimeoutS ?? config.pacing.defaultChatTimeoutS) * 1000
      const decision = decidePollFailure(error, { attempt: failures, silentMs: now - lastAnswerAt, chatTimeoutMs }, config.backoff, config.random)
      if (!decision.retry) {
        return { outputs: [{ kind: 'state', state: { status: 'closed', reason: decision.reason, error: decision.error } }], commit: undefined, waitMs: undefined }
      }
      failures += 1
      const retryInMs = backoffWaitMs(decision.retryInMs, pacing, config.pacing)
      return {
        outputs: [
          { kind: 'error', error },
          { kind: 'state', state: { status: 'backing-off', retryInMs, attempt: failures, error } },
        ],
        commit: undefined,
        waitMs: retryInMs,
      }
    }

    const poll = (): Observable<Step> =>
      defer(() => ((pollStartedAt = config.scheduler.now()), supplier(holder.value))).pipe(
        take(1),
        throwIfEmpty(() => new AdapterError('E_POLL_FAILED', 'the poll supplier completed without a snapshot')),
        map(onPage),
        catchError((error: unknown) => of(onFailure(error))),
      )

    // A wait, cut short to the state's interval when the visitor does something meanwhile.
    const wait = (waitMs: number): Observable<unknown> => {
      lastWaitMs = waitMs
      outbound = false
      const timed = timer(waitMs, config.scheduler)
      if (config.activity$ === undefined) return timed
      const heard = config.activity$.pipe(tap(() => (outbound = true)))
      const fastMs = pollIntervalMs(pacing, config.pacing)
      if (fastMs >= waitMs) return merge(timed, heard.pipe(ignoreElements()))
      return race(timed, heard.pipe(take(1), concatMap(() => timer(fastMs, config.scheduler))))
    }

    const start: Step = { outputs: [{ kind: 'state', state: { status: 'connecting' } }], commit: undefined, waitMs: 0 }
    return of(start).pipe(
      // expand emits a step downstream before projecting it, so the commit below happens only
      // after the step's outputs were delivered: the cursor advances after emission.
      expand((step) => {
        if (step.commit !== undefined) holder.set(step.commit)
        if (step.waitMs === undefined) return EMPTY
        return step.waitMs <= 0 ? poll() : wait(step.waitMs).pipe(take(1), concatMap(poll))
      }),
      concatMap((step) => from(step.outputs)),
    )
  })
}

function lastStateOf(events: readonly LegacyEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]
    if (event?.type === 'state') return event.state
  }
  return undefined
}

function isHolder(cursor: PollCursor | PollCursorHolder): cursor is PollCursorHolder {
  return typeof (cursor as Partial<PollCursorHolder>).set === 'function'
}
