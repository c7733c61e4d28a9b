// One chat's event log in memory, bounded: its latest messaging events, and the mapping contexts that let older ones be replayed from the server.
import type { ConversationModel } from './conversation-model.js'
import { KeptLine, keptLineOf } from './kept-line.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import { type MappingContext, mappingContext, sameContext } from './mapping-context.js'
import type { MessagingEventChange, SequencedEventChange } from './messaging-types.js'

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
  // A text line as its parts (its change is built again when replayed), anything else as its entry.
  #kept: (KeptLine | KeptEntry)[] = []
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
    const kept = keptLineOf(change, entry.index) ?? (entry as KeptEntry)
    // Copied while short (exact size: `concat`, not a spread, which reserves as a push does), pushed once
    // longer: a push reserves 17 slots, and an idle chat keeps a few changes.
    if (this.#kept.length < SHORT_LOG) this.#kept = this.#kept.concat([kept])
    else this.#kept.push(kept)
    if (this.#kept.length > this.#limit) {
      const dropped = this.#kept.shift()
      if (dropped !== undefined) this.#keptFrom = sequenceOf(dropped) + 1
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
    return this.#kept.length
  }

  /** The mapping contexts so far, by ascending `fromId`. */
  get contexts(): readonly MappingContext[] {
    const contexts = this.#contexts
    return 'fromId' in contexts ? [contexts] : contexts
  }

  /** The kept changes with `sequence ≥ fromSeq`, oldest first (a copy; a line's change a new object). */
  kept(fromSeq: number): LogEntry[] {
    const entries: LogEntry[] = []
    for (const kept of this.#kept) {
      if (sequenceOf(kept) < fromSeq) continue
      entries.push(kept instanceof KeptLine ? { index: kept.index, change: kept.change } : kept)
    }
    return entries
  }
}

// A kept change that is not a text line: receipts, rich content.
interface KeptEntry extends LogEntry {
  readonly change: SequencedEventChange
}

function sequenceOf(kept: KeptLine | KeptEntry): number {
  return kept instanceof KeptLine ? kept.sequence : kept.change.sequence
}
