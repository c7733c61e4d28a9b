// The outbound queue's state as plain data (each line's status, the last typing state sent), and its holder.
import { StateHolder } from './state-holder.js'

/**
 * Where one line stands: `queued` (waiting for its turn or for an agent), `sending` (a POST may
 * be in flight), `applied` (the server has it, as event `sequence`), or `outcome-unknown` (a POST
 * failed in a way that may hide an applied line, and the event log could not settle it).
 * Part of a stored conversation (see `ConversationStore`).
 */
export type OutboundLineStatus =
  | { readonly status: 'queued' }
  | { readonly status: 'sending' }
  | { readonly status: 'applied'; readonly sequence: number }
  | { readonly status: 'outcome-unknown' }

/** One line this side asked to send: its id within the chat, its text and where it stands. */
export type OutboundLineRecord = { readonly id: number; readonly text: string } & OutboundLineStatus

/**
 * A chat's outbound state, JSON-safe so a store can keep it: the lines not failed (applied ones
 * stay, so an event in the log is never claimed by two lines) and the typing state last posted
 * (`undefined` when a post failed and it is not known). What a `ConversationStore` keeps of a
 * conversation's outbound side.
 */
export interface OutboundRecord {
  /** The lines, oldest first. */
  readonly lines: readonly OutboundLineRecord[]
  /** The typing state last posted; `undefined`: unknown. */
  readonly typing: 'typing' | 'not-typing' | undefined
  /** The id the next queued line gets. */
  readonly nextLineId: number
}

/**
 * The state of a queue nothing was sent through yet (typing is `not-typing`: the chat starts so).
 *
 * @internal
 */
export const EMPTY_OUTBOUND: OutboundRecord = { lines: [], typing: 'not-typing', nextLineId: 0 }

/**
 * The record with a new `queued` line of this text; its id is the record's `nextLineId`.
 *
 * @internal
 */
export function queueLine(record: OutboundRecord, text: string): OutboundRecord {
  return { ...record, lines: [...record.lines, { id: record.nextLineId, text, status: 'queued' }], nextLineId: record.nextLineId + 1 }
}

/**
 * The record with line `id` in a new status.
 *
 * @internal
 */
export function setLineStatus(record: OutboundRecord, id: number, status: OutboundLineStatus): OutboundRecord {
  return { ...record, lines: record.lines.map((line) => (line.id === id ? { id, text: line.text, ...status } : line)) }
}

/**
 * The record without line `id` (it failed: nothing of it reached the server, or it was never sent).
 *
 * @internal
 */
export function dropLine(record: OutboundRecord, id: number): OutboundRecord {
  return { ...record, lines: record.lines.filter((line) => line.id !== id) }
}

/**
 * True when event `sequence` is already some line's: two equal lines never settle on one event.
 *
 * @internal
 */
export function isClaimed(record: OutboundRecord, sequence: number): boolean {
  return record.lines.some((line) => line.status === 'applied' && line.sequence === sequence)
}

/**
 * The one holder of a queue's {@link OutboundRecord}: the queue writes through these transitions,
 * a store may watch `changes$` and seed it with a loaded record.
 *
 * @internal
 */
export class OutboundLedger extends StateHolder<OutboundRecord> {
  // A holder itself (its value, `changes$`, `watch`), not an object around one: one object less per chat.
  /** Makes a ledger starting at `initial` (a stored record, or an empty one). */
  constructor(initial: OutboundRecord = EMPTY_OUTBOUND) {
    super(initial)
  }

  /** Records a new queued line; returns its id. */
  queue(text: string): number {
    const id = this.value.nextLineId
    this.set(queueLine(this.value, text))
    return id
  }

  /** Puts line `id` in a new status. */
  mark(id: number, status: OutboundLineStatus): void {
    this.set(setLineStatus(this.value, id, status))
  }

  /** Marks line `id` applied as event `sequence`; returns the sequence. */
  claim(id: number, sequence: number): number {
    this.mark(id, { status: 'applied', sequence })
    return sequence
  }

  /** Forgets line `id`: it failed and nothing of it is in the log. */
  drop(id: number): void {
    this.set(dropLine(this.value, id))
  }

  /** True when event `sequence` is already some line's. */
  isClaimed(sequence: number): boolean {
    return isClaimed(this.value, sequence)
  }

  /** Records the typing state posted (`undefined`: unknown after a failed post). */
  setTyping(typing: OutboundRecord['typing']): void {
    this.set({ ...this.value, typing })
  }
}
