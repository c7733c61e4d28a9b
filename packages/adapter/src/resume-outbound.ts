// Settling a stored outbound record against the legacy event log before anything is sent again.
import type { LegacyEvent } from './legacy-contract.js'
import { type OutboundRecord, dropLine, isClaimed, setLineStatus } from './outbound-record.js'

/** A stored record settled against the log: what to keep as it is, and the lines to send (again), in order. */
export interface ResumedOutbound {
  /** The record without the lines to send: applied lines stay so their events are never claimed twice. */
  readonly record: OutboundRecord
  /** Texts to queue again, oldest first: every `queued` line, and the `sending`/`outcome-unknown` ones the log does not show. */
  readonly toSend: readonly string[]
  /** True when some line's outcome was open and is still not in the log (look once more after a while). */
  readonly unsettled: boolean
}

/**
 * Settles `record` against `events` (the chat's log from event 0): a `sending` or `outcome-unknown`
 * line whose text is on an unclaimed visitor line of the log is `applied` as that event (claimed in
 * line order, so two equal lines take two events); one that is not there is sent again, since
 * nothing of it reached the server. `queued` lines are sent; `applied` ones are not. Pure.
 *
 * @internal
 */
export function resumeOutbound(record: OutboundRecord, events: readonly LegacyEvent[]): ResumedOutbound {
  let settled = record
  const toSend: string[] = []
  let unsettled = false
  for (const line of record.lines) {
    if (line.status === 'applied') continue
    if (line.status !== 'queued') {
      const match = events.find((event) => event.type === 'line' && event.source === 'visitor' && event.text === line.text && !isClaimed(settled, event.id))
      if (match !== undefined) {
        settled = setLineStatus(settled, line.id, { status: 'applied', sequence: match.id })
        continue
      }
      unsettled = true
    }
    settled = dropLine(settled, line.id)
    toSend.push(line.text)
  }
  return { record: settled, toSend, unsettled }
}
