// A chat's conversation model as one object literal, the form the feed keeps for the chat's life.
import type { ConversationModel } from './conversation-model.js'

/**
 * `m` rebuilt as a literal of all its fields. The mapping's transitions spread the model
 * (`{ ...m, field }`), and V8 keeps a spread copy's fields out of the object, in a property array
 * (88 bytes) — which the feed would keep as long as the chat lives.
 *
 * @internal
 */
export function modelLiteral(m: ConversationModel): ConversationModel {
  return {
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
}
