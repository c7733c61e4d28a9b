// A line the event log keeps, as the parts its change is rebuilt from: an idle chat keeps its last lines for its life.
import type { ChangeMetadata, MessagingEventChange, OriginatorMetadata, SequencedEventChange } from './messaging-types.js'
import { sequencedChange, systemOriginator } from './sequenced-change.js'

// What a kept line's time is counted from: its `serverTimestamp` less this is a small integer for
// 24.8 days either side of this process's start, which V8 keeps in the line itself, where an epoch
// time cost every line a 16-byte heap number (past that, one again, no less exact).
const TIME_BASE = Date.now()

/**
 * A logged text line: its change with its event object cost a kept line ~64 bytes more than these
 * fields. {@link change} builds it again, as {@link sequencedChange} built it.
 *
 * @internal
 */
export class KeptLine {
  constructor(
    /** The line's index among the changes its feed emitted. */
    readonly index: number,
    readonly sequence: number,
    /** `serverTimestamp` less {@link TIME_BASE} (see there). */
    readonly sinceBase: number,
    readonly message: string,
    /** `undefined` for the chat's system ({@link systemOriginator}): every chat opens with its lines, and each kept its id. */
    readonly originator: OriginatorMetadata | undefined,
    readonly metadata: readonly ChangeMetadata[] | undefined,
    readonly conversationId: string,
  ) {}

  /** The change as it was emitted (a new object each time). */
  get change(): SequencedEventChange {
    const event = { type: 'ContentEvent', contentType: 'text/plain', message: this.message } as const
    return sequencedChange(this.conversationId, this.sequence, TIME_BASE + this.sinceBase, this.originator ?? systemOriginator(this.conversationId), event, this.metadata)
  }
}

/**
 * `change` as a {@link KeptLine} when rebuilding it gives it back key for key: a text line as
 * {@link sequencedChange} builds it (every sequenced change the mapping emits is built there, so
 * keys are not counted: that cost each line two arrays). `undefined` for anything else (receipts,
 * rich content).
 *
 * @internal
 */
export function keptLineOf(change: MessagingEventChange, index: number): KeptLine | undefined {
  if (!('sequence' in change)) return undefined
  const { event, metadata } = change
  if (event.type !== 'ContentEvent' || event.contentType !== 'text/plain') return undefined
  if (change.dialogId !== change.conversationId || change.originatorId !== change.originatorMetadata.id) return undefined
  // An empty `metadata` is never built (the key is left out): one given would not come back.
  if (metadata !== undefined && metadata.length === 0) return undefined
  const originator = change.originatorMetadata
  const system = originator.role === 'CONTROLLER' && originator.id === `system-${change.conversationId}` && Object.keys(originator).length === 2
  // Rounded, though whole already as a rule: V8 makes the difference of two epoch times a heap
  // number, and one stored in a field makes that field a heap number in every line. A time that
  // would not come back exactly (a fraction, far from the base) is kept as its change.
  const since = change.serverTimestamp - TIME_BASE
  if (TIME_BASE + since !== change.serverTimestamp) return undefined
  return new KeptLine(index, change.sequence, Number.isInteger(since) ? Math.round(since) : since, event.message, system ? undefined : originator, metadata, change.conversationId)
}
