// The poll loop's small parts: a request's observer, the activity observer, the timer's function, the fixed outputs.
import type { SchedulerAction } from 'rxjs'
import type { GateTicket } from './poll-gate.js'
import type { PollerOutput } from './poller-types.js'
import { AdapterError } from './adapter-error.js'
import type { LegacyEvent, LegacySnapshot } from './legacy-contract.js'

/** What these parts call back on (a `PollLoop`). @internal */
export interface PollLoopCallbacks {
  settle(slot: GateTicket | undefined, snapshot: LegacySnapshot | undefined, failure: { readonly error: unknown } | undefined): void
  heard(): void
  fire(): void
}

// One function for every loop's timers: the scheduler hands it the loop as the action's state.
export function fireLoop(this: SchedulerAction<PollLoopCallbacks>, loop?: PollLoopCallbacks): void {
  loop?.fire()
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

/** The activity subscription's observer: a value is the visitor doing something. @internal */
export class ActivityObserver {
  constructor(readonly loop: PollLoopCallbacks) {}

  next(): void {
    this.loop.heard()
  }
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
