// What one poll of a chat did, for a host's metrics (a gateway's poll latency, failure and event counters).

/**
 * One poll of a chat resource, reported once it settled (see `ConnectionOptions.onPoll`): when it
 * started, how long it took, whether it succeeded, and how many new events it brought.
 */
export interface PollReport {
  /** The conversation (legacy chat) polled. */
  readonly conversationId: string
  /** When the poll started, in the connection scheduler's milliseconds (epoch ms by default). */
  readonly at: number
  /** Start to settle, in milliseconds. */
  readonly durationMs: number
  /** `ok`: the server answered with a page; `failed`: the request or its decoding failed. */
  readonly outcome: 'ok' | 'failed'
  /** For a failed poll, the error's `code` when it has one (e.g. `E_HTTP`, `E_DECODE`). */
  readonly code?: string
  /** New events the poll brought (0 for a failed or empty poll). */
  readonly events: number
  /** The `sequence` (legacy event `@id`) of the first new event, when there was one. */
  readonly firstSequence?: number
}

/** The callback that receives {@link PollReport}s; it must not throw (what it throws is dropped). */
export type PollReportListener = (report: PollReport) => void

/**
 * Builds the report of a poll that started at `at` and settled at `now` and hands it to `listener`;
 * what the listener throws is dropped, so a metrics callback never stops polling.
 *
 * @internal
 */
export function sendPollReport(
  listener: PollReportListener,
  conversationId: string,
  at: number,
  now: number,
  events: readonly { readonly id: number }[],
  failed: boolean,
  error?: unknown,
): void {
  const first = events[0]
  const code = failed ? errorCode(error) : undefined
  const durationMs = now - at
  const outcome = failed ? 'failed' : 'ok'
  const count = events.length
  // Literals, not conditional spreads: an idle poll's report is one small object.
  const report: PollReport =
    code === undefined
      ? first === undefined
        ? { conversationId, at, durationMs, outcome, events: count }
        : { conversationId, at, durationMs, outcome, events: count, firstSequence: first.id }
      : first === undefined
        ? { conversationId, at, durationMs, outcome, code, events: count }
        : { conversationId, at, durationMs, outcome, code, events: count, firstSequence: first.id }
  try {
    listener(report)
  } catch {
    // Dropped on purpose: see above.
  }
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { readonly code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}
