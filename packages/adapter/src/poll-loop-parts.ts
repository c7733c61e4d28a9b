// The poll loop's small parts: a request's observer, its promise-form requests, its wait timer, the fixed outputs.
import type { Observable, SchedulerAction, SchedulerLike, Subscription } from 'rxjs'
import type { ClockEntry } from './poll-clock.js'
import type { PollCursor } from './poll-cursor.js'
import type { PageFetcher, PollSupplier } from './session-supplier.js'
import type { GateTicket } from './poll-gate.js'
import type { PollerOutput, Step } from './poller-types.js'
import type { PollFailureDecision } from './poll-stop-decision.js'
import { AdapterError } from './adapter-error.js'
import { lendController, takeBackController } from './spare-controllers.js'
import type { LegacyEvent, LegacySnapshot } from './legacy-contract.js'

/** What these parts call back on (a `PollLoop`). @internal */
export interface PollLoopCallbacks {
  settle(slot: GateTicket | undefined, snapshot: LegacySnapshot | undefined, failure: { readonly error: unknown } | undefined): void
}

/**
 * A run's requests through a supplier's promise form (see `PageFetcher`), as the base of the loop
 * that makes them (one object per chat, not two): two callbacks and a controller lent for each
 * request in flight (see `spare-controllers.ts`), instead of an Observable, a Subscriber and a new
 * controller per poll. One request at a time (the loop's rule); an answer after {@link cancelFetch}
 * is dropped. For a supplier of Observables nothing here is used.
 *
 * @internal
 */
export abstract class DirectFetch implements PollLoopCallbacks {
  // Set while a request is in flight, and only then: an idle chat holds no controller.
  #controller: AbortController | undefined
  #slot: GateTicket | undefined

  abstract settle(slot: GateTicket | undefined, snapshot: LegacySnapshot | undefined, failure: { readonly error: unknown } | undefined): void

  /** Fetches from `cursor` with {@link fetcher}; {@link settle} hears how it went (holding `slot`). */
  fetchFrom(fetcher: PageFetcher, cursor: PollCursor, slot: GateTicket | undefined): void {
    const controller = lendController()
    let request: Promise<LegacySnapshot>
    try {
      request = fetcher.fetchPage(cursor, controller.signal)
    } catch (error) {
      takeBackController(controller)
      this.settle(slot, undefined, { error })
      return
    }
    this.#controller = controller
    this.#slot = slot
    // Callbacks made per request, not kept as two bound fields: an idle chat kept 112 bytes of them.
    request.then(
      (snapshot) => this.answered(controller, snapshot, undefined),
      (error: unknown) => this.answered(controller, undefined, { error }),
    )
  }

  /** Aborts the request in flight, if any, for good: the run stopped (aborting builds a DOMException with a stack: only then). */
  cancelFetch(): void {
    const controller = this.#controller
    this.#controller = undefined
    controller?.abort()
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  // The settled request's slot, not kept after (an idle chat holds no ticket), and its controller back to the spares.
  private takeSlot(controller: AbortController): GateTicket | undefined {
    const slot = this.#slot
    this.#slot = undefined
    this.#controller = undefined
    takeBackController(controller)
    return slot
  }

  // A request cancelled since (its controller no longer the one in flight) settles nothing.
  private answered(controller: AbortController, snapshot: LegacySnapshot | undefined, failure: { readonly error: unknown } | undefined): void {
    if (controller === this.#controller) this.settle(this.takeSlot(controller), snapshot, failure)
  }
}

// One function for every loop's timers: the scheduler hands it the loop as the action's state.
function runTarget(this: SchedulerAction<Pick<ClockEntry, 'run'>>, target?: Pick<ClockEntry, 'run'>): void {
  target?.run()
}

/**
 * A loop's wait timer on a scheduler other than a `PollClock` (`TestScheduler`, say): an action per
 * wait, armed again for each (and earlier when activity cuts one short). On a `PollClock` the loop
 * is its own entry in the clock's heap instead.
 *
 * @internal
 */
export class ActionTimer {
  #action: Subscription | undefined

  constructor(
    readonly scheduler: SchedulerLike,
    readonly target: Pick<ClockEntry, 'run'>,
  ) {}

  /** Runs the target `delayMs` from now, instead of any pending run. */
  arm(delayMs: number): void {
    this.#action?.unsubscribe()
    this.#action = this.scheduler.schedule(runTarget, delayMs, this.target)
  }

  /** No pending run from now on. */
  cancel(): void {
    const action = this.#action
    this.#action = undefined
    action?.unsubscribe()
  }
}

/** One request's observer: the first of its answer, failure or completion settles the poll, once. @internal */
export class PollAttempt {
  settled = false

  constructor(
    readonly loop: PollLoopCallbacks,
    readonly slot: GateTicket | undefined,
  ) {}

  next(snapshot: LegacySnapshot): void {
    if (this.settled) return
    this.settled = true
    this.loop.settle(this.slot, snapshot, undefined)
  }

  error(error: unknown): void {
    if (this.settled) return
    this.settled = true
    this.loop.settle(this.slot, undefined, { error })
  }

  complete(): void {
    this.error(new AdapterError('E_POLL_FAILED', 'the poll supplier completed without a snapshot'))
  }
}

/**
 * Subscribes `attempt` to the supplier's page from `cursor`: the request's subscription while it
 * runs; `undefined` once it settled already (the supplier answered synchronously, or threw).
 *
 * @internal
 */
export function requestThrough(supplier: PollSupplier, cursor: PollCursor, attempt: PollAttempt): Subscription | undefined {
  let source: Observable<LegacySnapshot>
  try {
    source = supplier(cursor)
  } catch (error) {
    attempt.error(error)
    return undefined
  }
  const subscription = source.subscribe(attempt)
  if (!attempt.settled) return subscription
  subscription.unsubscribe()
  return undefined
}

/** @internal */
export const CONNECTING: PollerOutput = { kind: 'state', state: { status: 'connecting' } }
/** @internal */
export const LIVE: PollerOutput = { kind: 'state', state: { status: 'live' } }
/** @internal */
export const ENDED: PollerOutput = { kind: 'state', state: { status: 'closed', reason: 'ended' } }

/** The state of the last `state` event of `events`. @internal */
export function lastStateOf(events: readonly LegacyEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]
    if (event?.type === 'state') return event.state
  }
  return undefined
}

/** The step after a failed poll: closed when it is not retried, else the error and the backoff (`attempt`, `retryInMs`). @internal */
export function failureStep(error: unknown, decision: PollFailureDecision, attempt: number, retryInMs: number): Step {
  if (!decision.retry) return { outputs: [{ kind: 'state', state: { status: 'closed', reason: decision.reason, error: decision.error } }], commit: undefined, waitMs: undefined }
  return {
    outputs: [
      { kind: 'error', error },
      { kind: 'state', state: { status: 'backing-off', retryInMs, attempt, error } },
    ],
    commit: undefined,
    waitMs: retryInMs,
  }
}

/** The bits of a `PollLoop`'s yes-or-no state. @internal */
export const LoopFlag = {
  /** The last poll was answered with a page (the loop emitted `live`). */
  live: 1,
  /** The visitor did something during the wait before the poll in flight. */
  outbound: 2,
  /** Listening to the chat's activity. */
  listening: 4,
  /** Waiting for the next poll (activity counts). */
  waiting: 8,
  /** The wait was cut short already. */
  cut: 16,
  /** Unsubscribed: nothing more is emitted. */
  stopped: 32,
  /** The wait reached the idle ceiling once already (the run's one spread, see idleSpreadMs). */
  spread: 64,
} as const
