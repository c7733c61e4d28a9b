// The outbound queue's state as plain data: each line's status and the last typing state sent.

/**
 * Where one line stands: `queued` (waiting for its turn or for an agent), `sending` (a POST may
 * be in flight), `applied` (the server has it, as event `sequence`), or `outcome-unknown` (a POST
 * failed in a way that may hide an applied line, and the event log could not settle it).
 */
export type OutboundLineStatus =
  | { readonly status: 'queued' }
  | { readonly status: 'sending' }
  | { readonly status: 'applied'; readonly sequence: number }
  | { readonly status: 'outcome-unknown' }

/** One line this side asked to send. */
export type OutboundLineRecord = { readonly id: number; readonly text: string } & OutboundLineStatus

/**
 * A chat's outbound state, JSON-safe so a store can keep it: the lines not failed (applied ones
 * stay, so an event in the log is never claimed by two lines) and the typing state last posted
 * (`undefined` when a post failed and it is not known).
 */
export interface OutboundRecord {
  readonly lines: readonly OutboundLineRecord[]
  readonly typing: 'typing' | 'not-typing' | undefined
  /** The id the next queued line gets. */
  readonly nextLineId: number
}

/** The state of a queue nothing was sent through yet (typing is `not-typing`: the chat starts so). */
export const EMPTY_OUTBOUND: OutboundRecord = { lines: [], typing: 'not-typing', nextLineId: 0 }

/** The record with a new `queued` line of this text; its id is the record's `nextLineId`. */
export function queueLine(record: OutboundRecord, text: string): OutboundRecord {
  return { ...record, lines: [...record.lines, { id: record.nextLineId, text, status: 'queued' }], nextLineId: record.nextLineId + 1 }
}

/** The record with line `id` in a new status. */
export function setLineStatus(record: OutboundRecord, id: number, status: OutboundLineStatus): OutboundRecord {
  return { ...record, lines: record.lines.map((line) => (line.id === id ? { id, text: line.text, ...status } : line)) }
}

/** The record without line `id` (it failed: nothing of it reached the server, or it was never sent). */
export function dropLine(record: OutboundRecord, id: number): OutboundRecord {
  return { ...record, lines: record.lines.filter((line) => line.id !== id) }
}

/** True when event `sequence` is already some line's: two equal lines never settle on one event. */
export function isClaimed(record: OutboundRecord, sequence: number): boolean {
  return record.lines.some((line) => line.status === 'applied' && line.sequence === sequence)
}
