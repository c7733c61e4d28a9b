// One chat's event log in memory, bounded: its latest messaging events, and the mapping contexts that let older ones be replayed from the server.
import type { ConversationModel } from './conversation-model.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import { type MappingContext, mappingContext, sameContext } from './mapping-context.js'
import type { MessagingEventChange } from './messaging-types.js'

/**
 * A messaging change as the feed emitted it; `index` counts every change emitted, so a subscriber
 * tells the ones it replayed from the ones that came after.
 *
 * @internal
 */
export interface LogEntry {
  readonly index: number
  readonly change: MessagingEventChange
}

const SHORT_LOG = 8
const NO_CONTEXTS: readonly MappingContext[] = []

/**
 * The last `limit` sequenced changes of a chat (changes without a sequence, typing, are never
 * replayed and so never kept), and from which sequence on they are complete (`keptFrom`): a
 * `fromSeq` below it is replayed from the legacy server, mapped with {@link contexts}. Outbound
 * lines are settled against the server's log, not this one, so nothing else needs older entries.
 *
 * @internal
 */
export class EventLog {
  readonly #limit: number
  // Each kept change then its index: an entry object each cost an idle chat 40 bytes a line.
  #kept: (MessagingEventChange | number)[] = []
  // One context as itself (a chat has one until its agent changes), several as an array.
  #contexts: MappingContext | readonly MappingContext[] = NO_CONTEXTS
  #count = 0
  #keptFrom = 0

  /** A log keeping at most `limit` changes (`Infinity`: all). */
  constructor(limit: number) {
    this.#limit = limit
  }

  /** Records what a page's events are mapped with; call before mapping it. */
  notePage(model: ConversationModel, info: LegacyInfo | undefined, events: readonly LegacyEvent[]): void {
    const first = events[0]
    if (first === undefined) return
    const context = mappingContext(model, info, first.id)
    const contexts = this.contexts
    const last = contexts.at(-1)
    if (last === undefined) this.#contexts = context
    else if (!sameContext(last, context)) this.#contexts = [...contexts, context]
  }

  /** Logs a change just emitted (dropping the oldest beyond the limit); returns its entry. */
  add(change: MessagingEventChange): LogEntry {
    const entry = { index: this.#count, change }
    this.#count += 1
    if (!('sequence' in change)) return entry
    const kept = this.#kept
    // Copied while short (exact size), pushed once longer: a push reserves 17 slots, and an idle chat keeps a few changes.
    if (kept.length < SHORT_LOG * 2) this.#kept = kept.concat([change, entry.index])
    else kept.push(change, entry.index)
    if (this.#kept.length > this.#limit * 2) {
      const [dropped] = this.#kept.splice(0, 2)
      if (typeof dropped === 'object' && 'sequence' in dropped) this.#keptFrom = dropped.sequence + 1
    }
    return entry
  }

  /** The index of the last change emitted, -1 before the first. */
  get lastIndex(): number {
    return this.#count - 1
  }

  /** Changes with `sequence` from here on are all kept. */
  get keptFrom(): number {
    return this.#keptFrom
  }

  /** How many changes are kept. */
  get size(): number {
    return this.#kept.length / 2
  }

  /** The mapping contexts so far, by ascending `fromId`. */
  get contexts(): readonly MappingContext[] {
    const contexts = this.#contexts
    return 'fromId' in contexts ? [contexts] : contexts
  }

  /** The kept changes with `sequence ≥ fromSeq`, oldest first (a copy). */
  kept(fromSeq: number): LogEntry[] {
    const entries: LogEntry[] = []
    for (let i = 0; i < this.#kept.length; i += 2) {
      const change = this.#kept[i] as MessagingEventChange
      if ('sequence' in change && change.sequence >= fromSeq) entries.push({ index: this.#kept[i + 1] as number, change })
    }
    return entries
  }
}
