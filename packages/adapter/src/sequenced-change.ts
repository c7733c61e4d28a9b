// How a change with a sequence is built, in one place: the mapping builds each one, and the event log rebuilds its kept lines with it, so a replayed line is the live one again, key for key.
import type { ChangeMetadata, MessagingRole, OriginatorMetadata, SequencedEventChange } from './messaging-types.js'

const NO_METADATA: readonly ChangeMetadata[] = []

/**
 * A change of `conversationId` (its own dialog) with `sequence`; `metadata` only when there is some.
 *
 * @internal
 */
export function sequencedChange(
  conversationId: string,
  sequence: number,
  ts: number,
  originator: OriginatorMetadata,
  event: SequencedEventChange['event'],
  metadata: readonly ChangeMetadata[] = NO_METADATA,
): SequencedEventChange {
  // Two literals rather than a conditional spread: this runs once per line.
  if (metadata.length === 0) return { sequence, originatorId: originator.id, originatorMetadata: originator, serverTimestamp: ts, event, conversationId, dialogId: conversationId }
  return { sequence, originatorId: originator.id, originatorMetadata: originator, serverTimestamp: ts, event, conversationId, dialogId: conversationId, metadata }
}

/**
 * Who says a chat's system lines: the controller, with an id made from the chat's. @internal
 */
export function systemOriginator(conversationId: string): OriginatorMetadata {
  return { id: `system-${conversationId}`, role: 'CONTROLLER' satisfies MessagingRole }
}
