// A conversation's details as a function of its model, and its last UPSERT: kept as the model it described, rebuilt when asked for.
import { type ConversationModel, type DescribedConversation, consumerIdOf, isClosed } from './conversation-model.js'
import type { MappedOutput } from './map-event.js'
import type { ConversationDetails, ExConversationChange, Participant } from './messaging-types.js'

/**
 * The conversation's details at `ts`, as a `cqm` UPSERT carries them.
 *
 * @internal
 */
export function conversationDetails(m: DescribedConversation, ts: number): ConversationDetails {
  const closed = isClosed(m)
  const openClose = closed ? 'CLOSE' : 'OPEN'
  const startTs = m.startTs ?? ts
  const consumer: Participant = { id: consumerIdOf(m), role: 'CONSUMER' }
  const participants: Participant[] = m.agent === undefined ? [consumer] : [consumer, { id: m.agent.id, role: 'ASSIGNED_AGENT' }]
  return {
    state: openClose,
    stage: openClose,
    skillId: m.skillId ?? '',
    participants,
    dialogs: [
      {
        dialogId: m.conversationId,
        dialogType: 'MAIN',
        channelType: 'MESSAGING',
        state: openClose,
        creationTs: startTs,
        ...(m.endTs === undefined ? {} : { endTs: m.endTs }),
      },
    ],
    startTs,
    ...(m.endTs === undefined ? {} : { endTs: m.endTs }),
    ...(m.closeReason === undefined ? {} : { closeReason: m.closeReason }),
    metaDataLastUpdateTs: ts,
    ...(m.transfer === undefined ? {} : { metadata: [m.transfer] }),
  }
}

/**
 * The UPSERT of the conversation's details at `ts`.
 *
 * @internal
 */
export function upsertOf(m: DescribedConversation, ts: number): ExConversationChange {
  return { type: 'UPSERT', result: { convId: m.conversationId, conversationDetails: conversationDetails(m, ts), lastUpdateTime: ts } }
}

/**
 * The model once an UPSERT of it at `ts` is emitted.
 *
 * @internal
 */
export function withUpsert(m: ConversationModel, ts: number): ConversationModel {
  // A literal of the fields read (not a spread copy, whose fields V8 keeps out of the object): it lives as long as the chat.
  const described: DescribedConversation = {
    conversationId: m.conversationId,
    consumerId: m.consumerId,
    skillId: m.skillId,
    agent: m.agent,
    startTs: m.startTs,
    endTs: m.endTs,
    closeReason: m.closeReason,
    transfer: m.transfer,
  }
  return { ...m, upserted: described, upsertedAt: ts }
}

/**
 * The conversation's last UPSERT, rebuilt (equal to the one emitted); `undefined` before the first.
 *
 * @internal
 */
export function lastUpsert(m: ConversationModel): ExConversationChange | undefined {
  return m.upserted === undefined || m.upsertedAt === undefined ? undefined : upsertOf(m.upserted, m.upsertedAt)
}

/**
 * True when an UPSERT of `m` at `ts` would say what its last one said (all but `metaDataLastUpdateTs`
 * alike): then none is due. Field by field, without building details: it runs on every poll that
 * brings info. `ts` matters only before the model has a start time (the details take `ts` then).
 *
 * @internal
 */
export function upsertIsCurrent(m: ConversationModel, ts: number): boolean {
  const last = m.upserted
  if (last === undefined || m.upsertedAt === undefined) return false
  return (
    isClosed(last) === isClosed(m) &&
    (last.skillId ?? '') === (m.skillId ?? '') &&
    (last.startTs ?? m.upsertedAt) === (m.startTs ?? ts) &&
    last.endTs === m.endTs &&
    last.closeReason === m.closeReason &&
    consumerIdOf(last) === consumerIdOf(m) &&
    last.agent?.id === m.agent?.id &&
    (last.transfer === m.transfer || (last.transfer !== undefined && m.transfer !== undefined && JSON.stringify(last.transfer) === JSON.stringify(m.transfer)))
  )
}

/**
 * A page's outputs while they go out, and the model before them: a conversation stream made
 * meanwhile (by a subscriber's callback) starts from the change out last, not from the page's last.
 *
 * @internal
 */
export class Delivery {
  out = 0
  constructor(
    readonly outputs: readonly MappedOutput[],
    readonly before: ConversationModel,
  ) {}

  /** The conversation change out last: this page's, else the one before it. */
  latest(): ExConversationChange | undefined {
    for (let i = this.out - 1; i >= 0; i -= 1) {
      const output = this.outputs[i]
      if (output?.kind === 'conversation') return output.change
    }
    return lastUpsert(this.before)
  }
}
