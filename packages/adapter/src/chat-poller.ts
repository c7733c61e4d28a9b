// The poll loop (the "source"): reads one chat page after page, paced, as plain code behind an Observable.
import { Observable, type Unsubscribable } from 'rxjs'
import type { PageSource, PollSupplier } from './session-supplier.js'
import type { ChatPollerOptions, PollChat, PollLoopObserver, PollerOutput } from './poller-types.js'
import { type PollCursor, type PollCursorHolder, cursorHolder } from './poll-cursor.js'
import { PollLoop } from './poll-loop.js'

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
  // Plain code, not an operator chain: one of these runs per chat, and an idle chat should cost one
  // object and one pending timer, not a pipeline of subscribers rebuilt on every poll.
  return new Observable<PollerOutput>((subscriber) => startPollLoop(supplier, cursor, config, subscriber))
}

/**
 * Runs the loop {@link pollChat} describes into `out` (a feed's own observer: no `Subscriber` in
 * between) for `chat` (default `config`'s activity and id); what it returns stops it. It may emit, even complete, before it returns.
 *
 * @internal
 */
export function startPollLoop(supplier: PageSource, cursor: PollCursor | PollCursorHolder, config: ChatPollerOptions, out: PollLoopObserver, chat: PollChat = config): Unsubscribable {
  return new PollLoop(supplier, isHolder(cursor) ? cursor : cursorHolder(cursor), config, out, chat).start()
}

function isHolder(cursor: PollCursor | PollCursorHolder): cursor is PollCursorHolder {
  return typeof (cursor as Partial<PollCursorHolder>).set === 'function'
}
