// A chat's conversation model as one object literal, the form the feed keeps for the chat's life.
import type { ConversationModel, DescribedConversation } from './conversation-model.js'

type Kept = { -readonly [K in keyof ConversationModel]: ConversationModel[K] }

/**
 * `m` rebuilt as a literal of all its fields. The mapping's transitions spread the model
 * (`{ ...m, field }`), and V8 keeps a spread copy's fields out of the object, in a property array
 * (88 bytes) — which the feed would keep as long as the chat lives. When the fields the last UPSERT
 * was made of are still the model's own (an idle chat's case), the literal is its own `upserted`,
 * and the copy of them (88 bytes more) is let go.
 *
 * @internal
 */
export function modelLiteral(m: ConversationModel): ConversationModel {
  const kept: Kept = {
    conversationId: m.conversationId,
    consumerId: m.consumerId,
    skillId: m.skillId,
    legacyState: m.legacyState,
    agent: m.agent,
    startTs: m.startTs,
    endTs: m.endTs,
    closeReason: m.closeReason,
    endedByConsumer: m.endedByConsumer,
    agentEndedLineSeen: m.agentEndedLineSeen,
    agentTyping: m.agentTyping,
    transfer: m.transfer,
    upserted: m.upserted,
    upsertedAt: m.upsertedAt,
  }
  if (m.upserted !== undefined && describesAlike(m.upserted, m)) kept.upserted = kept
  return kept
}

// The same values (the same objects) in every field an UPSERT is made of.
function describesAlike(a: DescribedConversation, b: DescribedConversation): boolean {
  return (
    a.conversationId === b.conversationId &&
    a.consumerId === b.consumerId &&
    a.skillId === b.skillId &&
    a.agent === b.agent &&
    a.startTs === b.startTs &&
    a.endTs === b.endTs &&
    a.closeReason === b.closeReason &&
    a.transfer === b.transfer
  )
}
