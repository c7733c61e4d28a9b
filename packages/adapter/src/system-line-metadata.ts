// The metadata of a plain system line, one frozen array per `systemMessageId`, shared by every chat.
import type { ChangeMetadata } from './messaging-types.js'

// The same few system lines ("you are now chatting with…") open every chat, and an idle chat's log
// keeps them: a shared array saves each line ~100 B. Frozen, so a consumer changing one fails
// loudly instead of changing every chat's. A server sending many ids gets fresh arrays past the bound.
const MOST_SHARED = 64
const shared = new Map<number | undefined, readonly ChangeMetadata[]>()

/** `[{ type: 'LegacySystemMessage', systemMessageId }]`, frozen, the same array for the same id. @internal */
export function systemLineMetadata(systemMessageId: number | undefined): readonly ChangeMetadata[] {
  const known = shared.get(systemMessageId)
  if (known !== undefined) return known
  const made: readonly ChangeMetadata[] = Object.freeze([Object.freeze({ type: 'LegacySystemMessage', systemMessageId })])
  if (shared.size < MOST_SHARED) shared.set(systemMessageId, made)
  return made
}
