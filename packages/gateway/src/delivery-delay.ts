// The delivery delay of live notifications: from the poll that brought an event to its frame written to a socket.
import type { PollReport } from '@chatbridge/adapter'
import type { Histogram } from 'prom-client'

/** Conversations whose latest polls are remembered for measuring (about 130 bytes each), the least recently polled forgotten first. @internal */
export const maxPolledConversations = 20_000
/**
 * Polls without events after which a conversation's latest polls are forgotten: their frames were
 * all written by then (a poll's frames are written as it is applied, before the next poll), and an
 * idle conversation then costs the delay nothing (its entry cost ~150 bytes for the chat's life).
 * @internal
 */
export const quietPollsRemembered = 2
/** Conversations a socket's measured sequences are remembered for (see {@link DeliveryTarget}). */
const maxMeasuredPerSocket = 1000

/**
 * What a {@link DeliveryDelay} keeps of a socket, on the socket itself (as the gateway's deadline
 * heap keeps its `deadline` and `slot`): nothing is kept for it elsewhere, and it goes with the socket.
 */
export interface DeliveryTarget {
  /** When the socket's first frame was written, in the delay's clock; `undefined` before. Kept by the delay. */
  deliveriesSince: number | undefined
  /**
   * Per conversation, the highest sequence measured, so a repeated frame (a replay) is not measured
   * twice: live events reach a socket in sequence order. The first conversation measured and its
   * sequence are these two fields (a socket mostly has one, and an array of the pair cost 64 bytes).
   * Kept by the delay.
   */
  deliveriesConversation: string | undefined
  /** See {@link deliveriesConversation}; -1 before. Kept by the delay. */
  deliveriesHighest: number
  /**
   * Any further conversations: ids and sequences alternating, exact size (a `Set` of every key
   * measured cost an idle socket ~200 bytes for its life). Kept by the delay.
   */
  deliveriesMeasured: readonly (string | number)[] | undefined
}

/**
 * The sequences of a conversation's last two polls that brought events, and when each started:
 * a frame may be written after the next poll settled, never much later (the frames of a poll are
 * written as it is applied). One object a conversation, where a map entry per event cost ~250 bytes;
 * kept until {@link quietPollsRemembered} polls without events followed.
 */
class LatestPolls {
  /** Polls without events since the latest with events. */
  quiet = 0
  previousFirst = 0
  previousLast = -1
  previousAt = 0

  constructor(
    public first: number,
    public last: number,
    public at: number,
  ) {}

  /** A newer poll brought `first … last`; the older one is forgotten. */
  push(first: number, last: number, at: number): void {
    this.quiet = 0
    this.previousFirst = this.first
    this.previousLast = this.last
    this.previousAt = this.at
    this.first = first
    this.last = last
    this.at = at
  }

  /** When the poll that brought `sequence` started, if it is one of the two. */
  polledAt(sequence: number): number | undefined {
    if (sequence >= this.first && sequence <= this.last) return this.at
    if (sequence >= this.previousFirst && sequence <= this.previousLast) return this.previousAt
    return undefined
  }
}

/**
 * Feeds `deliveryDelay`. `polled` remembers when each new event's poll started (`report.at`);
 * `written` observes, for each sequenced event in a notification frame, the time since then —
 * once per socket and only for live events: an event polled before the socket wrote its first
 * frame reaches that socket as a replay (a reload, a resubscription), which is not a delivery delay.
 */
export class DeliveryDelay {
  // In the order last polled with events: the first is the one forgotten when full.
  readonly #polls = new Map<string, LatestPolls>()
  readonly #histogram: Histogram
  readonly #now: () => number

  /** Observes into `histogram`; `now` is the clock of `PollReport.at` (epoch ms by default). */
  constructor(histogram: Histogram, now: () => number) {
    this.#histogram = histogram
    this.#now = now
  }

  /** A settled poll (`ConnectionOptions.onPoll`): its events are sequences `firstSequence …` of its conversation. */
  polled(report: PollReport): void {
    if (report.outcome !== 'ok') return
    const first = report.firstSequence
    if (first === undefined || report.events <= 0) {
      const polls = this.#polls.get(report.conversationId)
      if (polls !== undefined && ++polls.quiet >= quietPollsRemembered) this.#polls.delete(report.conversationId)
      return
    }
    const last = first + report.events - 1
    const polls = this.#polls.get(report.conversationId)
    if (polls === undefined) {
      if (this.#polls.size >= maxPolledConversations) {
        const oldest = this.#polls.keys().next()
        if (oldest.done !== true) this.#polls.delete(oldest.value)
      }
      this.#polls.set(report.conversationId, new LatestPolls(first, last, report.at))
      return
    }
    polls.push(first, last, report.at)
    // Moved to the end: the most recently polled.
    this.#polls.delete(report.conversationId)
    this.#polls.set(report.conversationId, polls)
  }

  /** A frame written to `socket`. */
  written(socket: DeliveryTarget, frame: object): void {
    const now = this.#now()
    const since = (socket.deliveriesSince ??= now)
    const { type, body } = frame as { readonly type?: unknown; readonly body?: { readonly changes?: unknown } }
    if (type !== 'ms.MessagingEventNotification' || !Array.isArray(body?.changes)) return
    for (const change of body.changes as readonly { readonly sequence?: unknown; readonly dialogId?: unknown; readonly conversationId?: unknown }[]) {
      const conversation = change.dialogId ?? change.conversationId
      if (typeof change.sequence !== 'number' || typeof conversation !== 'string') continue
      const at = this.#polls.get(conversation)?.polledAt(change.sequence)
      if (at === undefined || at < since || change.sequence <= highestMeasured(socket, conversation)) continue
      measure(socket, conversation, change.sequence)
      this.#histogram.observe(Math.max(0, now - at) / 1000)
    }
  }
}

const NONE_MEASURED: readonly (string | number)[] = []

function highestMeasured(socket: DeliveryTarget, conversation: string): number {
  if (socket.deliveriesConversation === conversation) return socket.deliveriesHighest
  const measured = socket.deliveriesMeasured ?? NONE_MEASURED
  for (let i = 0; i < measured.length; i += 2) if (measured[i] === conversation) return measured[i + 1] as number
  return -1
}

function measure(socket: DeliveryTarget, conversation: string, sequence: number): void {
  if (socket.deliveriesConversation === undefined || socket.deliveriesConversation === conversation) {
    socket.deliveriesConversation = conversation
    socket.deliveriesHighest = sequence
  } else {
    socket.deliveriesMeasured = withMeasured(socket.deliveriesMeasured ?? NONE_MEASURED, conversation, sequence)
  }
}

function withMeasured(measured: readonly (string | number)[], conversation: string, sequence: number): readonly (string | number)[] {
  const at = measured.indexOf(conversation)
  if (at >= 0 && at % 2 === 0) {
    const copy = measured.slice()
    copy[at + 1] = sequence
    return copy
  }
  // The first conversation is kept apart: the rest fill the bound.
  return measured.length / 2 >= maxMeasuredPerSocket - 1 ? [conversation, sequence] : measured.concat([conversation, sequence])
}
