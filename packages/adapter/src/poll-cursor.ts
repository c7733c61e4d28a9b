// The poll cursor: where the next read of a chat starts, as plain data a store can keep.
import { StateHolder } from './state-holder.js'

/**
 * Where the next poll starts: the first event id not yet delivered, and the chat resource's `next`
 * link when the last page had a trusted one. Plain JSON-safe data (`JSON.stringify` and
 * `JSON.parse` give it back unchanged), so it can be stored and resumed.
 */
export interface PollCursor {
  /** The `@id` of the first event not yet delivered; events below it are never emitted again. */
  readonly from: number
  /** The `next` link of the last page as an href (`{chatUri}?from=N`), or `undefined` to read with `from`. */
  readonly next: string | undefined
}

/**
 * The one place a chat's cursor lives: the poll loop reads it before each poll and commits the
 * new cursor to it after each page; everyone else (the feed, the outbound queue) only reads it.
 */
export interface PollCursorHolder {
  /** The cursor as last committed. */
  readonly value: PollCursor
  /** Commits a new cursor; called by the poll loop only, after the page it follows was emitted. */
  set(cursor: PollCursor): void
}

/**
 * The cursor of a chat nothing has been read of yet.
 *
 * @internal
 */
export const START_CURSOR: PollCursor = { from: 0, next: undefined }

/**
 * The `next` href a cursor keeps for a page's trusted `next` link: none when reading the chat at
 * `chatHref` from `from` asks for that very URI (the usual `next`: `{chatUri}?from=N`), so a chat
 * keeps no second copy of its URI for it; the poll then reads with `from`, the same request.
 *
 * @internal
 */
export function keptNext(next: string | undefined, chatHref: string | undefined, from: number): string | undefined {
  // A chat URI with a query or fragment gets `from` added among them (a re-serialised query): kept as sent.
  if (next === undefined || chatHref === undefined || /[?#]/.test(chatHref)) return next
  const query = `?from=${String(from)}`
  return next.length === chatHref.length + query.length && next.startsWith(chatHref) && next.endsWith(query) ? undefined : next
}

/**
 * A holder for one chat's cursor, starting at `initial` (a stored cursor, or the start).
 *
 * @internal
 */
export function cursorHolder(initial: PollCursor = START_CURSOR): StateHolder<PollCursor> {
  return new StateHolder(initial)
}
