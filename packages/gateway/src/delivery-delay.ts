// The delivery delay of live notifications: from the poll that brought an event to its frame written to a socket.
import type { PollReport } from '@chatbridge/adapter'
import type { Histogram } from 'prom-client'

/** Polled events remembered for measuring (about 100 bytes each), whatever the number of chats. */
const maxPolledEvents = 20_000
/** Conversations a socket's measured sequences are remembered for (see `SocketTiming.measured`). */
const maxMeasuredPerSocket = 1000

interface SocketTiming {
  readonly since: number
  // Per conversation, the highest sequence measured, so a repeated frame (a replay) is not measured
  // twice: live events reach a socket in sequence order. Conversation ids and sequences alternating,
  // exact size; a `Set` of every key measured cost an idle socket ~200 bytes for its life.
  measured: readonly (string | number)[]
}

const NONE_MEASURED: readonly (string | number)[] = []

/**
 * Feeds `deliveryDelay`. `polled` remembers when each new event's poll started (`report.at`);
 * `written` observes, for each sequenced event in a notification frame, the time since then —
 * once per socket and only for live events: an event polled before the socket wrote its first
 * frame reaches that socket as a replay (a reload, a resubscription), which is not a delivery delay.
 */
export class DeliveryDelay {
  readonly #polledAt = new Map<string, number>()
  readonly #sockets = new WeakMap<object, SocketTiming>()
  readonly #histogram: Histogram
  readonly #now: () => number

  /** Observes into `histogram`; `now` is the clock of `PollReport.at` (epoch ms by default). */
  constructor(histogram: Histogram, now: () => number) {
    this.#histogram = histogram
    this.#now = now
  }

  /** A settled poll (`ConnectionOptions.onPoll`): its events are sequences `firstSequence …` of its conversation. */
  polled(report: PollReport): void {
    if (report.outcome !== 'ok' || report.firstSequence === undefined) return
    for (let i = 0; i < report.events; i++) {
      if (this.#polledAt.size >= maxPolledEvents) {
        const oldest = this.#polledAt.keys().next()
        if (oldest.done !== true) this.#polledAt.delete(oldest.value)
      }
      this.#polledAt.set(`${report.conversationId}:${report.firstSequence + i}`, report.at)
    }
  }

  /** A frame written to `socket` (any identity object, e.g. the socket). */
  written(socket: object, frame: object): void {
    const now = this.#now()
    let timing = this.#sockets.get(socket)
    if (timing === undefined) this.#sockets.set(socket, (timing = { since: now, measured: NONE_MEASURED }))
    const { type, body } = frame as { readonly type?: unknown; readonly body?: { readonly changes?: unknown } }
    if (type !== 'ms.MessagingEventNotification' || !Array.isArray(body?.changes)) return
    for (const change of body.changes as readonly { readonly sequence?: unknown; readonly dialogId?: unknown; readonly conversationId?: unknown }[]) {
      const conversation = change.dialogId ?? change.conversationId
      if (typeof change.sequence !== 'number' || typeof conversation !== 'string') continue
      const key = `${conversation}:${change.sequence}`
      const at = this.#polledAt.get(key)
      if (at === undefined || at < timing.since || change.sequence <= highestMeasured(timing.measured, conversation)) continue
      timing.measured = withMeasured(timing.measured, conversation, change.sequence)
      this.#histogram.observe(Math.max(0, now - at) / 1000)
    }
  }
}

function highestMeasured(measured: readonly (string | number)[], conversation: string): number {
  for (let i = 0; i < measured.length; i += 2) if (measured[i] === conversation) return measured[i + 1] as number
  return -1
}

function withMeasured(measured: readonly (string | number)[], conversation: string, sequence: number): readonly (string | number)[] {
  const at = measured.indexOf(conversation)
  if (at >= 0 && at % 2 === 0) {
    const copy = measured.slice()
    copy[at + 1] = sequence
    return copy
  }
  return measured.length / 2 >= maxMeasuredPerSocket ? [conversation, sequence] : measured.concat([conversation, sequence])
}
