// The poll loop (the "source"): reads one chat page after page, paced, as plain code behind an Observable.
import { Observable, Subscription } from 'rxjs'
import { trustedNextLink } from '@chatbridge/core'
import type { PollSupplier } from './session-supplier.js'
import type { GateTicket } from './poll-gate.js'
import type { ChatPollerOptions, PollerOutput, Step } from './poller-types.js'
import { AdapterError } from './adapter-error.js'
import { isChatOver } from './chat-over.js'
import type { LegacyEvent, LegacySnapshot } from './legacy-contract.js'
import { type PacingInput, backoffWaitMs, nextPollWaitMs, pollIntervalMs } from './pacing.js'
import { type PollCursor, type PollCursorHolder, cursorHolder } from './poll-cursor.js'
import { decidePollFailure, serverAnswered } from './poll-stop-decision.js'
import { freshEvents } from './fresh-events.js'
import { sendPollReport } from './poll-report.js'

export type { PollCursor, PollCursorHolder } from './poll-cursor.js'
export type { PollStopReason } from './poll-stop-decision.js'
export { type PollSupplier, sessionSupplier } from './session-supplier.js'
export type { ChatPollerOptions, PollerOutput, PollerState } from './poller-types.js'

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
  // Plain code, not an operator chain: one of these runs per chat, and an idle chat should cost a
  // few closures and one pending timer, not a pipeline of subscribers rebuilt on every poll.
  return new Observable<PollerOutput>((subscriber) => {
    const holder = isHolder(cursor) ? cursor : cursorHolder(cursor)
    const scheduler = config.scheduler
    let failures = 0
    let live = false
    let pacing: PacingInput = { chatState: undefined, chatTimeoutS: undefined }
    // The wait before the poll now in flight, and whether the visitor did something during it.
    let lastWaitMs: number | undefined
    let outbound = false
    // When the server last answered anything (a page or an HTTP error): a chat whose server did not
    // answer for longer than its chatTimeout has been ended by that server, so waiting on is futile.
    let lastAnswerAt = scheduler.now()
    // When the poll in flight started, for its PollReport, and when it was due: pacing counts from
    // the due time, not from the answer, so a chat's polls do not drift later by each answer's
    // latency (a 1 s pace stays 1 s apart, not 1 s + latency).
    let pollStartedAt = 0
    let dueAt = scheduler.now()
    // What runs now (the request in flight, or the wait and its activity subscription).
    let request: Subscription | undefined
    // The poll's place at the connection's gate (waiting for a slot, or holding one).
    let ticket: GateTicket | undefined
    let waiting: Subscription | undefined
    let heard: Subscription | undefined
    let stopped = false

    const reportPoll = (events: readonly LegacyEvent[], failed: boolean, error?: unknown): void => {
      if (config.onPoll !== undefined) sendPollReport(config.onPoll, config.conversationId ?? '', pollStartedAt, scheduler.now(), events, failed, error)
    }

    const onPage = (snapshot: LegacySnapshot): Step => {
      const fromId = holder.value.from
      const events = freshEvents(snapshot.events.events, fromId)
      reportPoll(events, false)
      const last = events.at(-1)
      const nextFrom = last === undefined ? fromId : last.id + 1
      const next: PollCursor = { from: nextFrom, next: trustedNextLink(snapshot.links, nextFrom)?.href }
      const previousState = pacing.chatState
      const info = snapshot.info
      const chatState = info?.state ?? lastStateOf(events) ?? pacing.chatState
      const chatTimeoutS = info?.chatTimeout ?? pacing.chatTimeoutS
      // The usual idle poll changes neither: keep the object.
      if (chatState !== pacing.chatState || chatTimeoutS !== pacing.chatTimeoutS) pacing = { chatState, chatTimeoutS }
      const active = events.length > 0 || chatState !== previousState || info?.agentTyping === 'typing' || outbound
      const over = isChatOver({ events, info })
      const outputs: PollerOutput[] = []
      if (!live) outputs.push(LIVE)
      live = true
      failures = 0
      lastAnswerAt = scheduler.now()
      outputs.push({ kind: 'page', events, info, cursor: next })
      if (over) outputs.push(ENDED)
      return { outputs, commit: next, waitMs: over ? undefined : nextPollWaitMs(pacing, { active, lastWaitMs }, config.pacing), paced: true }
    }

    const onFailure = (error: unknown): Step => {
      reportPoll([], true, error)
      live = false
      const now = scheduler.now()
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

    // Emits a step's outputs, then commits its cursor (the cursor advances after emission), then
    // goes on: the next poll, a wait, or the end.
    const carryOut = (step: Step): void => {
      for (const output of step.outputs) {
        if (stopped) return
        subscriber.next(output)
      }
      if (stopped) return
      if (step.commit !== undefined) holder.set(step.commit)
      if (step.waitMs === undefined) {
        stopped = true
        subscriber.complete()
      } else if (step.waitMs <= 0) {
        dueAt = scheduler.now()
        poll()
      } else wait(step.waitMs, step.paced === true)
    }

    // Through the gate when there is one: a poll late for lack of CPU waits there, not in the HTTP
    // pool where its timeout runs. A ticket left already (the poll settled synchronously) is not kept.
    const poll = (): void => {
      if (config.gate === undefined) send(undefined)
      else {
        const place = config.gate.enter(send)
        if (place.active) ticket = place
      }
    }

    const send = (slot: GateTicket | undefined): void => {
      let settled = false
      const settle = (step: () => Step): void => {
        if (settled) return
        settled = true
        request?.unsubscribe()
        request = undefined
        slot?.leave()
        if (ticket === slot) ticket = undefined
        let next: Step
        try {
          next = step()
        } catch (error) {
          next = onFailure(error)
        }
        carryOut(next)
      }
      pollStartedAt = scheduler.now()
      let source: Observable<LegacySnapshot>
      try {
        source = supplier(holder.value)
      } catch (error) {
        settle(() => onFailure(error))
        return
      }
      const subscription = source.subscribe({
        next: (snapshot) => settle(() => onPage(snapshot)),
        error: (error: unknown) => settle(() => onFailure(error)),
        complete: () => settle(() => onFailure(new AdapterError('E_POLL_FAILED', 'the poll supplier completed without a snapshot'))),
      })
      // A supplier that answered synchronously is done already.
      if (settled) subscription.unsubscribe()
      else request = subscription
    }

    // A wait, cut short to the state's interval when the visitor does something meanwhile. A paced
    // wait ends `waitMs` after the last poll was due (at once if that has passed: the request took
    // longer, and a late poll is not made later still, nor followed by a burst catching up); a
    // backoff counts from the failure.
    const wait = (waitMs: number, paced: boolean): void => {
      lastWaitMs = waitMs
      outbound = false
      const now = scheduler.now()
      dueAt = paced ? Math.max(now, dueAt + waitMs) : now + waitMs
      if (dueAt <= now) {
        poll()
        return
      }
      const fire = (): void => {
        // Whichever of the two timers fired first, the other one must not.
        const timers = waiting
        waiting = undefined
        timers?.unsubscribe()
        heard?.unsubscribe()
        heard = undefined
        poll()
      }
      waiting = scheduler.schedule(fire, dueAt - now)
      if (config.activity$ === undefined) return
      const fastMs = pollIntervalMs(pacing, config.pacing)
      let cut = false
      heard = config.activity$.subscribe(() => {
        outbound = true
        if (cut || fastMs >= waitMs) return
        // The first activity: the poll comes at the latest `fastMs` from now.
        cut = true
        dueAt = Math.min(dueAt, scheduler.now() + fastMs)
        const cutAt = scheduler.schedule(fire, fastMs)
        const timed = waiting
        waiting = new Subscription(() => {
          timed?.unsubscribe()
          cutAt.unsubscribe()
        })
      })
    }

    subscriber.next(CONNECTING)
    if (!stopped) poll()
    return () => {
      stopped = true
      request?.unsubscribe()
      ticket?.leave()
      waiting?.unsubscribe()
      heard?.unsubscribe()
    }
  })
}

const CONNECTING: PollerOutput = { kind: 'state', state: { status: 'connecting' } }
const LIVE: PollerOutput = { kind: 'state', state: { status: 'live' } }
const ENDED: PollerOutput = { kind: 'state', state: { status: 'closed', reason: 'ended' } }

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
