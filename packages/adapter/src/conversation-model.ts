// The conversation model: what the mapping remembers about one chat, and every transition of it.
import type { LegacyInfo } from './legacy-contract.js'
import type { ChangeMetadata, CloseReason } from './messaging-types.js'

/**
 * Everything the mapping remembers about one chat between batches. Plain data: a batch maps to a
 * new model and outputs, nothing else changes (see `mapBatch`). The functions below are its only
 * transitions.
 *
 * @internal
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
  /**
   * What the last UPSERT was made of (the model's fields it reads) and that UPSERT's time: the
   * UPSERT is rebuilt from them when asked for, and compared with the model field by field
   * (`conversation-upsert.ts`). A chat keeps these rather than the UPSERT (~400 bytes more).
   * Any object with those fields will do: the feed's kept model is its own while they are unchanged
   * (`model-literal.ts`), so a transition from it points at the model before, which never changes.
   */
  readonly upserted: DescribedConversation | undefined
  readonly upsertedAt: number | undefined
}

/**
 * The fields of a model a conversation's details are made of.
 *
 * @internal
 */
export type DescribedConversation = Pick<ConversationModel, 'conversationId' | 'consumerId' | 'skillId' | 'agent' | 'startTs' | 'endTs' | 'closeReason' | 'transfer'>

/**
 * A model for a chat nothing has been read of yet.
 *
 * @internal
 */
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
    upserted: undefined,
    upsertedAt: undefined,
  }
}

/**
 * True once the conversation is closed (ended, transferred away or gone).
 *
 * @internal
 */
export function isClosed(model: Pick<ConversationModel, 'closeReason'>): boolean {
  return model.closeReason !== undefined
}

/**
 * The model closed at `ts`: `AGENT` after the agent's "ended" line (systemMessageId 5), else
 * `CONSUMER` if this side ended the chat, otherwise `SYSTEM`. The agent's line goes first: it is in
 * the log only if the agent ended the chat before this side's end (which the server then refused),
 * even when this side sent its end before reading the agent's.
 *
 * @internal
 */
export function closeModel(m: ConversationModel, ts: number): ConversationModel {
  const closeReason: CloseReason = m.agentEndedLineSeen ? 'AGENT' : m.endedByConsumer ? 'CONSUMER' : 'SYSTEM'
  return { ...m, legacyState: 'ended', endTs: ts, closeReason }
}

/**
 * The model closed at `ts` by the system: the chat is over on the server without an `ended` event (gone, silent, transferred away).
 *
 * @internal
 */
export function closeModelBySystem(m: ConversationModel, ts: number): ConversationModel {
  return { ...closeModel(m, ts), closeReason: 'SYSTEM' }
}

/**
 * The model after a legacy `state` event at `ts`: `chatting` assigns `agent` (or keeps the known
 * one), `waiting` (requeued, systemMessageId 23) drops the agent, `ended` closes. A closed model
 * does not change.
 *
 * @internal
 */
export function enterState(m: ConversationModel, state: string, agent: ConversationModel['agent'], ts: number): ConversationModel {
  if (isClosed(m)) return m
  if (state === 'ended') return closeModel(m, ts)
  const nextAgent = state === 'chatting' ? (agent ?? m.agent) : state === 'waiting' ? undefined : m.agent
  // A repeated state with the same agent (the common state event) is no transition: no copy.
  if (state === m.legacyState && nextAgent?.id === m.agent?.id && nextAgent?.name === m.agent?.name) return m
  return { ...m, legacyState: state, agent: nextAgent }
}

/**
 * Records that this side ends the chat (or, with `false`, that its end was refused), for the close reason.
 *
 * @internal
 */
export function withEndedByConsumer(m: ConversationModel, ended: boolean): ConversationModel {
  return { ...m, endedByConsumer: ended }
}

/**
 * The consumer's participant id when neither a JWT `sub` nor the chat's `visitorId` names it:
 * stable, derived from the chat id (messaging-model.md §2).
 *
 * @internal
 */
export function derivedConsumerId(conversationId: string): string {
  return `consumer-${conversationId}`
}

/**
 * The model with its consumer id fixed (once, on the first batch): the JWT `sub` given up front, else info's `visitorId`, else derived.
 *
 * @internal
 */
export function withConsumerId(m: ConversationModel, info: LegacyInfo | undefined): ConversationModel {
  return m.consumerId !== undefined ? m : { ...m, consumerId: info?.visitorId ?? derivedConsumerId(m.conversationId) }
}

/**
 * The consumer's participant id: as fixed by {@link withConsumerId}, or the derived one before that.
 *
 * @internal
 */
export function consumerIdOf(m: Pick<ConversationModel, 'consumerId' | 'conversationId'>): string {
  return m.consumerId ?? derivedConsumerId(m.conversationId)
}

/**
 * The legacy chat state to report: `ended` once the conversation is closed, else the last state read (or info's).
 *
 * @internal
 */
export function chatStateOf(m: ConversationModel, info: LegacyInfo | undefined): string | undefined {
  return isClosed(m) ? 'ended' : (m.legacyState ?? info?.state)
}
