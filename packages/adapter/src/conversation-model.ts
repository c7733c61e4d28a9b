import type { ChangeMetadata, CloseReason, ConversationDetails, Participant } from './messaging-types.js'

/**
 * Everything the mapping remembers about one chat between batches. Plain data: a batch maps to a
 * new model and outputs, nothing else changes (see `mapBatch`).
 */
export interface ConversationModel {
  readonly conversationId: string
  /** Fixed on the first batch (JWT `sub`, else the chat's `visitorId`, else derived from the id). */
  readonly consumerId: string | undefined
  /** The skill asked for, replaced by info's `skillId` (or `skillName`) once reported. */
  readonly skillId: string | undefined
  readonly legacyState: string | undefined
  readonly agent: { readonly id: string; readonly name: string | undefined } | undefined
  readonly startTs: number | undefined
  readonly endTs: number | undefined
  readonly closeReason: CloseReason | undefined
  /** True once this side sent the `ended` state: the close reason is then `CONSUMER`. */
  readonly endedByConsumer: boolean
  /** True once a system line with `systemMessageId` 5 (the agent ended the chat) was seen. */
  readonly agentEndedLineSeen: boolean
  readonly agentTyping: string | undefined
  readonly transfer: ChangeMetadata | undefined
  /** The last conversation details emitted, to emit an UPSERT only when something changed. */
  readonly lastDetails: ConversationDetails | undefined
}

/** A model for a chat nothing has been read of yet. */
export function initialConversationModel(init: {
  readonly conversationId: string
  readonly consumerId?: string | undefined
  readonly requestedSkill?: string | undefined
}): ConversationModel {
  return {
    conversationId: init.conversationId,
    consumerId: init.consumerId,
    skillId: init.requestedSkill,
    legacyState: undefined,
    agent: undefined,
    startTs: undefined,
    endTs: undefined,
    closeReason: undefined,
    endedByConsumer: false,
    agentEndedLineSeen: false,
    agentTyping: undefined,
    transfer: undefined,
    lastDetails: undefined,
  }
}

/** True once the conversation is closed (ended, transferred away or gone). */
export function isClosed(model: ConversationModel): boolean {
  return model.closeReason !== undefined
}

/** The conversation's current details, as a `cqm` UPSERT carries them. */
export function conversationDetails(m: ConversationModel, ts: number): ConversationDetails {
  const closed = isClosed(m)
  const openClose = closed ? 'CLOSE' : 'OPEN'
  const startTs = m.startTs ?? ts
  const participants: Participant[] = [{ id: m.consumerId ?? `consumer-${m.conversationId}`, role: 'CONSUMER' }]
  if (m.agent !== undefined) participants.push({ id: m.agent.id, role: 'ASSIGNED_AGENT' })
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
 * The model closed at `ts`: `AGENT` after the agent's "ended" line (systemMessageId 5), else
 * `CONSUMER` if this side ended the chat, otherwise `SYSTEM`. The agent's line goes first: it is in
 * the log only if the agent ended the chat before this side's end (which the server then refused),
 * even when this side sent its end before reading the agent's.
 */
export function closeConversation(m: ConversationModel, ts: number): ConversationModel {
  const closeReason: CloseReason = m.agentEndedLineSeen ? 'AGENT' : m.endedByConsumer ? 'CONSUMER' : 'SYSTEM'
  return { ...m, legacyState: 'ended', endTs: ts, closeReason }
}

/** True when two details differ only in `metaDataLastUpdateTs`: no UPSERT is due. */
export function sameDetails(a: ConversationDetails, b: ConversationDetails): boolean {
  // metaDataLastUpdateTs moves with every call; only a real change is worth an UPSERT.
  return JSON.stringify({ ...a, metaDataLastUpdateTs: 0 }) === JSON.stringify({ ...b, metaDataLastUpdateTs: 0 })
}
