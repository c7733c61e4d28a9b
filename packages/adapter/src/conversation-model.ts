// The conversation model: what the mapping remembers about one chat, and every transition of it.
import type { LegacyInfo } from './legacy-contract.js'
import type { ChangeMetadata, CloseReason, ConversationDetails, Participant } from './messaging-types.js'

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
  /** The last conversation details emitted, to emit an UPSERT only when something changed. */
  readonly lastDetails: ConversationDetails | undefined
}

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
    lastDetails: undefined,
  }
}

/**
 * True once the conversation is closed (ended, transferred away or gone).
 *
 * @internal
 */
export function isClosed(model: ConversationModel): boolean {
  return model.closeReason !== undefined
}

/**
 * The conversation's current details, as a `cqm` UPSERT carries them.
 *
 * @internal
 */
export function conversationDetails(m: ConversationModel, ts: number): ConversationDetails {
  const closed = isClosed(m)
  const openClose = closed ? 'CLOSE' : 'OPEN'
  const startTs = m.startTs ?? ts
  // Literals, not a push: the details are kept (the last UPSERT) for the chat's whole life.
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
export function consumerIdOf(m: ConversationModel): string {
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

/**
 * True when two details differ only in `metaDataLastUpdateTs`: no UPSERT is due. Field by field
 * (it runs on every poll that brings info), metadata by reference first.
 *
 * @internal
 */
export function sameDetails(a: ConversationDetails, b: ConversationDetails): boolean {
  return (
    a.state === b.state &&
    a.stage === b.stage &&
    a.skillId === b.skillId &&
    a.startTs === b.startTs &&
    a.endTs === b.endTs &&
    a.closeReason === b.closeReason &&
    sameList(a.participants, b.participants, (x, y) => x.id === y.id && x.role === y.role) &&
    sameList(a.dialogs, b.dialogs, (x, y) => x.dialogId === y.dialogId && x.dialogType === y.dialogType && x.channelType === y.channelType && x.state === y.state && x.creationTs === y.creationTs && x.endTs === y.endTs) &&
    sameList(a.metadata ?? [], b.metadata ?? [], (x, y) => x === y || JSON.stringify(x) === JSON.stringify(y))
  )
}

/**
 * True when `details` are what {@link conversationDetails} would make of `m` (apart from
 * `metaDataLastUpdateTs`), checked without building them: the common poll, where nothing changed.
 * `false` when unsure (no start time yet, another metadata object): then build and compare.
 *
 * @internal
 */
export function describesModel(details: ConversationDetails, m: ConversationModel): boolean {
  const openClose = isClosed(m) ? 'CLOSE' : 'OPEN'
  // Indexes, not destructuring with rests: this runs on every poll, and rests are arrays.
  const participants = details.participants
  const agent = participants[1]
  const dialog = details.dialogs[0]
  return (
    m.startTs !== undefined &&
    details.state === openClose &&
    details.stage === openClose &&
    details.skillId === (m.skillId ?? '') &&
    details.startTs === m.startTs &&
    details.endTs === m.endTs &&
    details.closeReason === m.closeReason &&
    participants[0]?.id === consumerIdOf(m) &&
    (m.agent === undefined ? agent === undefined : agent?.id === m.agent.id && agent.role === 'ASSIGNED_AGENT') &&
    participants.length <= 2 &&
    dialog?.dialogId === m.conversationId &&
    dialog.state === openClose &&
    dialog.creationTs === m.startTs &&
    dialog.endTs === m.endTs &&
    details.dialogs.length === 1 &&
    (m.transfer === undefined ? details.metadata === undefined : details.metadata?.length === 1 && details.metadata[0] === m.transfer)
  )
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i += 1) if (!same(a[i] as T, b[i] as T)) return false
  return true
}
