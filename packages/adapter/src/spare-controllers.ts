// The poll loops' AbortControllers, lent per request and taken back once it settled: an idle chat holds none.
import { getEventListeners } from 'node:events'

// An `AbortSignal` is an EventTarget with two maps, ~800 B: too much to keep per idle chat between
// polls, and a new controller per poll costs CPU. Loops in flight at once are bounded by the poll
// gate (`maxPollsInFlight`), so the spares are too; this bound only caps an unusual burst.
const MOST_SPARES = 1024
const spares: AbortController[] = []

/**
 * A controller for one request: a spare when there is one.
 *
 * @internal
 */
export function lendController(): AbortController {
  return spares.pop() ?? new AbortController()
}

/**
 * Takes `controller` back after its request settled. One that was aborted, or whose signal still
 * has a listener (a port that did not remove its own), is dropped: a later borrower must not fire
 * an earlier request's listener, nor make it live on.
 *
 * @internal
 */
export function takeBackController(controller: AbortController): void {
  if (controller.signal.aborted || spares.length >= MOST_SPARES || getEventListeners(controller.signal, 'abort').length > 0) return
  spares.push(controller)
}

/** How many spares wait (for tests). @internal */
export function spareControllerCount(): number {
  return spares.length
}
