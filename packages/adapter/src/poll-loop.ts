// One run of the poll loop as an object: its state in fields, its steps as prototype methods (no closures per chat).
import type { Subscription, Unsubscribable } from 'rxjs'
import { trustedNextLink } from '@chatbridge/core'
import { type PageSource, type PollSupplier, directFetchOf } from './session-supplier.js'
import type { GateEntrant, GateTicket } from './poll-gate.js'
import type { ChatPollerOptions, PollChat, PollLoopObserver, PollerOutput, Step } from './poller-types.js'
import { isChatOver } from './chat-over.js'
import type { LegacyEvent, LegacySnapshot } from './legacy-contract.js'
import { type PacingInput, backoffWaitMs, idleSpreadMs, nextPollWaitMs, pacingInputOf, pollIntervalMs } from './pacing.js'
import { type PollCursor, type PollCursorHolder, keptNext } from './poll-cursor.js'
import { decidePollFailure, serverAnswered } from './poll-stop-decision.js'
import { freshEvents } from './fresh-events.js'
import { sendPollReport } from './poll-report.js'
import { ActionTimer, CONNECTING, DirectFetch, ENDED, LIVE, LoopFlag, PollAttempt, failureStep, type PollLoopCallbacks, lastStateOf, requestThrough } from './poll-loop-parts.js'
import type { ActivityListener } from './outbound-activity.js'
import { type ClockEntry, PollClock, loopTimeOf, schedulerTimeOf } from './poll-clock.js'

/**
 * One run of the loop `pollChat` describes (see there for what it does). Every chat keeps one for
 * as long as it is polled, so everything lives in fields and methods (TS-private, not `#` ones: a
 * `#` method gives every instance a brand field): the clock (the loop is its own entry there) and
 * the activity call the loop back, the gate gets the one bound `send`, the supplier a
 * {@link PollAttempt} (or, in its promise form, the loop itself: see {@link DirectFetch}).
 *
 * @internal
 */
export class PollLoop extends DirectFetch implements Unsubscribable, PollLoopCallbacks, ActivityListener, ClockEntry, GateEntrant {
  // Its entry in a PollClock's heap (see ClockEntry): on another scheduler `#timer` waits instead.
  due = 0
  seq = 0
  index = -1
  #failures = 0
  // Yes or no as bits of one field (LoopFlag; seven booleans cost a chat 40 B). Activity is heard from the first wait on, counted only while waiting.
  #flags = 0
  #pacing: PacingInput = pacingInputOf(undefined, undefined)
  // The wait before the poll now in flight (whether the visitor did something during it: `LoopFlag.outbound`).
  #lastWaitMs: number | undefined
  // Times are loop times (see loopTimeOf: small integers, no heap number per field per chat).
  // When the server last answered anything (a page or an HTTP error): a chat whose server did not
  // answer for longer than its chatTimeout has been ended by that server, so waiting on is futile.
  #lastAnswerAt: number
  // When the poll in flight started (for its PollReport) and was due: pacing counts from the due
  // time, not the answer, so polls do not drift later by each answer's latency.
  #pollStartedAt = 0
  #dueAt: number
  // What runs now: the request in flight (a subscription, or the supplier's promise form), or the wait on the run's one timer.
  #request: Subscription | undefined
  // The poll's place at the connection's gate (waiting for a slot, or holding one).
  #ticket: GateTicket | undefined
  #timer: ActionTimer | undefined
  #waitMs = 0

  constructor(
    readonly supplier: PageSource,
    readonly holder: PollCursorHolder,
    readonly config: ChatPollerOptions,
    readonly out: PollLoopObserver,
    readonly chat: PollChat = config, // a feed is its own loops' chat: every chat's loop shares one `config`
  ) {
    super()
    this.#lastAnswerAt = loopTimeOf(config.scheduler)
    this.#dueAt = this.#lastAnswerAt
  }

  /** Emits `connecting`, then polls (it may settle, even end, before it returns). */
  start(): this {
    this.out.next(CONNECTING)
    if (!this.is(LoopFlag.stopped)) this.poll()
    return this
  }

  /** Cancels the wait or the request in flight; nothing is emitted after. */
  unsubscribe(): void {
    this.mark(LoopFlag.stopped, true)
    this.#request?.unsubscribe()
    this.cancelFetch()
    this.#ticket?.leave()
    this.clearTimers()
    if (this.is(LoopFlag.listening)) this.chat.activity?.unlisten(this)
  }

  // Through the gate when there is one: a poll late for lack of CPU waits there, not in the HTTP
  // pool where its timeout runs. A ticket left already (the poll settled synchronously) is not kept.
  private poll(): void {
    const gate = this.config.gate
    if (gate === undefined) {
      this.send(undefined)
      return
    }
    const place = gate.enter(this)
    if (place.active) this.#ticket = place
  }

  /** Starts the request (holding `slot` when gated). @internal */
  send(slot: GateTicket | undefined): void {
    this.#pollStartedAt = loopTimeOf(this.config.scheduler)
    // Told from the source at each poll, not kept (8 bytes a chat); a plain fetcher always goes direct.
    const fetcher = directFetchOf(this.supplier)
    if (fetcher !== undefined) return this.fetchFrom(fetcher, this.holder.value, slot)
    const request = requestThrough(this.supplier as PollSupplier, this.holder.value, new PollAttempt(this, slot))
    if (request !== undefined) this.#request = request
  }

  /** `attempt`'s request settled with a snapshot, or failed (`failure` set). @internal */
  override settle(slot: GateTicket | undefined, snapshot: LegacySnapshot | undefined, failure: { readonly error: unknown } | undefined): void {
    this.#request?.unsubscribe()
    this.#request = undefined
    slot?.leave()
    if (this.#ticket === slot) this.#ticket = undefined
    let next: Step
    try {
      next = failure === undefined ? this.onPage(snapshot as LegacySnapshot) : this.onFailure(failure.error)
    } catch (error) {
      next = this.onFailure(error)
    }
    this.carryOut(next)
  }

  private report(events: readonly LegacyEvent[], failed: boolean, error?: unknown): void {
    const { onPoll, scheduler } = this.config
    if (onPoll === undefined) return
    sendPollReport(onPoll, this.chat.conversationId ?? '', schedulerTimeOf(scheduler, this.#pollStartedAt), scheduler.now(), events, failed, error)
  }

  private onPage(snapshot: LegacySnapshot): Step {
    const current = this.holder.value
    const fromId = current.from
    const events = freshEvents(snapshot.events.events, fromId)
    this.report(events, false)
    const last = events.at(-1)
    const nextFrom = last === undefined ? fromId : last.id + 1
    const nextHref = keptNext(trustedNextLink(snapshot.links, nextFrom)?.href, this.chat.chatHref, nextFrom)
    // An idle page leaves the cursor as it was: the same object, so nothing is committed or stored.
    const next: PollCursor = nextFrom === fromId && nextHref === current.next ? current : { from: nextFrom, next: nextHref }
    const pacing = this.#pacing
    const info = snapshot.info
    const chatState = info?.state ?? lastStateOf(events) ?? pacing.chatState
    const chatTimeoutS = info?.chatTimeout ?? pacing.chatTimeoutS
    // The usual idle poll changes neither: keep the object.
    if (chatState !== pacing.chatState || chatTimeoutS !== pacing.chatTimeoutS) this.#pacing = pacingInputOf(chatState, chatTimeoutS)
    const active = events.length > 0 || chatState !== pacing.chatState || info?.agentTyping === 'typing' || this.is(LoopFlag.outbound)
    const over = isChatOver({ events, info })
    const page: PollerOutput = { kind: 'page', events, info, cursor: next }
    const outputs = this.is(LoopFlag.live) ? (over ? [page, ENDED] : [page]) : over ? [LIVE, page, ENDED] : [LIVE, page]
    this.mark(LoopFlag.live, true)
    this.#failures = 0
    this.#lastAnswerAt = loopTimeOf(this.config.scheduler)
    const activity = { active, lastWaitMs: this.#lastWaitMs }
    const waitMs = over ? undefined : nextPollWaitMs(this.#pacing, activity, this.config.pacing)
    const earlyMs = waitMs === undefined || this.is(LoopFlag.spread) ? undefined : idleSpreadMs(this.#pacing, activity, waitMs, this.config.pacing, this.config.random)
    if (earlyMs !== undefined) this.mark(LoopFlag.spread, true)
    return { outputs, commit: next, waitMs, paced: true, earlyMs }
  }

  private onFailure(error: unknown): Step {
    this.report([], true, error)
    this.mark(LoopFlag.live, false)
    const config = this.config
    const now = loopTimeOf(config.scheduler)
    if (serverAnswered(error)) this.#lastAnswerAt = now
    const chatTimeoutMs = (this.#pacing.chatTimeoutS ?? config.pacing.defaultChatTimeoutS) * 1000
    const decision = decidePollFailure(error, { attempt: this.#failures, silentMs: now - this.#lastAnswerAt, chatTimeoutMs }, config.backoff, config.random)
    if (decision.retry) this.#failures += 1
    return failureStep(error, decision, this.#failures, decision.retry ? backoffWaitMs(decision.retryInMs, this.#pacing, config.pacing) : 0)
  }

  // Emits a step's outputs, then commits its cursor (the cursor advances after emission), then
  // goes on: the next poll, a wait, or the end.
  private carryOut(step: Step): void {
    for (const output of step.outputs) {
      if (this.is(LoopFlag.stopped)) return
      this.out.next(output)
    }
    if (this.is(LoopFlag.stopped)) return
    if (step.commit !== undefined) this.holder.set(step.commit)
    if (step.waitMs === undefined) {
      // Torn down before the end goes out: a feed observing directly has no Subscriber to do it.
      this.unsubscribe()
      this.out.complete()
    } else if (step.waitMs <= 0) {
      this.#dueAt = loopTimeOf(this.config.scheduler)
      this.poll()
    } else this.wait(step.waitMs, step.paced === true, step.earlyMs)
  }

  // A wait, cut short to the state's interval when the visitor does something meanwhile. A paced
  // wait ends `waitMs` after the last poll was due (at once if that has passed: a late poll is not
  // made later still, nor followed by a burst catching up); a backoff counts from the failure, and
  // a spread one (`earlyMs`, see idleSpreadMs) from now: late ones made at once would poll in step.
  private wait(waitMs: number, paced: boolean, earlyMs: number | undefined): void {
    const config = this.config
    this.#lastWaitMs = waitMs
    this.mark(LoopFlag.outbound, false)
    const now = loopTimeOf(config.scheduler)
    this.#dueAt = !paced ? now + waitMs : earlyMs !== undefined ? now + waitMs - earlyMs : Math.max(now, this.#dueAt + waitMs)
    if (this.#dueAt <= now) {
      this.poll()
      return
    }
    this.arm(this.#dueAt - now)
    const activity = this.chat.activity
    if (activity === undefined) return
    this.mark(LoopFlag.waiting, true)
    this.mark(LoopFlag.cut, false)
    this.#waitMs = waitMs
    if (!this.is(LoopFlag.listening)) activity.listen(this)
    this.mark(LoopFlag.listening, true)
  }

  /** The visitor did something: during a wait, the poll comes at the latest the state's interval from now. @internal */
  heard(): void {
    if (!this.is(LoopFlag.waiting) || this.is(LoopFlag.stopped)) return
    this.mark(LoopFlag.outbound, true)
    // The state's interval, as at the wait's start: the pacing input changes with pages only.
    const fastMs = pollIntervalMs(this.#pacing, this.config.pacing)
    if (this.is(LoopFlag.cut) || fastMs >= this.#waitMs) return
    this.mark(LoopFlag.cut, true)
    const now = loopTimeOf(this.config.scheduler)
    if (now + fastMs >= this.#dueAt) return
    this.#dueAt = now + fastMs
    this.arm(fastMs)
  }

  /** The wait is over. @internal */
  run(): void {
    this.clearTimers()
    this.poll()
  }

  private is(flag: number): boolean {
    return (this.#flags & flag) !== 0
  }

  private mark(flag: number, on: boolean): void {
    this.#flags = on ? this.#flags | flag : this.#flags & ~flag
  }

  private clearTimers(): void {
    this.mark(LoopFlag.waiting, false)
    const scheduler = this.config.scheduler
    if (scheduler instanceof PollClock) scheduler.dequeue(this)
    else this.#timer?.cancel()
  }

  private arm(delayMs: number): void {
    const scheduler = this.config.scheduler
    if (scheduler instanceof PollClock) scheduler.enqueue(this, delayMs)
    else (this.#timer ??= new ActionTimer(scheduler, this)).arm(delayMs)
  }
}
