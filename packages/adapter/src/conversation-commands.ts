// A conversation's Messaging commands, on the holder (its queue) or a follower (forwarded to the holder): one place decides which.
import { AdapterError, commandFailed } from './adapter-error.js'
import type { ConversationStore } from './conversation-store.js'
import { type CsatOptions, submitCsatRating } from './csat.js'
import type { ConversationField, MessagingEvent } from './messaging-types.js'
import { conversationFieldUpdate } from './requests/legacy-chat-request.js'
import type { Conversation } from './open-conversation.js'

/**
 * Publishes `event` on `conversation`: a line through its queue (resolving with its sequence),
 * typing on change, `AcceptStatusEvent` as nothing; on a follower, the line or typing is
 * forwarded and the holder's answer is the result.
 *
 * @internal
 */
export async function publishOn(conversation: Conversation, event: MessagingEvent): Promise<{ readonly sequence: number }> {
  switch (event.type) {
    case 'ContentEvent':
      if (typeof event.message !== 'string') throw new AdapterError('E_BAD_REQUEST', 'ContentEvent.message must be a string')
      if (conversation.forward !== undefined) return sequenceOf(await conversation.forward({ kind: 'publishEvent', event }))
      return { sequence: await (await conversation.queue).sendLine(event.message) }
    case 'ChatStateEvent':
      if (conversation.forward !== undefined) await conversation.forward({ kind: 'publishEvent', event })
      else await (await conversation.queue).setTyping(event.chatState === 'COMPOSING' ? 'typing' : 'not-typing')
      return { sequence: 0 }
    case 'AcceptStatusEvent':
      return { sequence: 0 }
    default:
      throw new AdapterError('E_BAD_REQUEST', `${String((event as { type?: unknown }).type)} has no legacy chat equivalent`)
  }
}

/** Ends `conversation`'s chat after the lines queued before it (on a follower: on the holder). @internal */
export async function closeOn(conversation: Conversation): Promise<void> {
  if (conversation.forward !== undefined) await conversation.forward({ kind: 'close' })
  else await (await conversation.queue).end()
}

/**
 * Applies `cm.UpdateConversationField` fields to `conversation` (see `Connection.updateConversationField`);
 * on a follower the holder applies them and its answer is the result.
 *
 * @internal
 */
export async function updateFieldOn(conversation: Conversation, field: ConversationField | readonly ConversationField[], csat: CsatOptions | undefined): Promise<void> {
  if (conversation.forward !== undefined) return void (await conversation.forward({ kind: 'updateConversationField', field }))
  const update = conversationFieldUpdate(field)
  if (update.action === 'unsupported') throw new AdapterError('E_BAD_REQUEST', `only closing the conversation and CSATRate are supported on legacy chat; got ${update.fields.join(', ')}`)
  if (update.rating !== undefined) await submitCsatRating(conversation.session, update.rating, csat)
  if (update.close) await closeOn(conversation)
}

/** Sets the visitor name on `conversation`'s chat and in the store (a store failure goes to `onError`); on a follower, through the holder. @internal */
export async function nameOn(conversation: Conversation, name: string, store: ConversationStore, onError: (error: unknown) => void): Promise<void> {
  if (conversation.forward !== undefined) return void (await conversation.forward({ kind: 'setVisitorName', name }))
  await applyName(conversation, name)
  await store.saveVisitorName(conversation.session.conversationId, name).catch(onError)
}

/** Sets the visitor name on a held conversation's chat. @internal */
export async function applyName(conversation: Conversation, name: string): Promise<void> {
  await conversation.session.setVisitorName(name).catch((error: unknown) => Promise.reject(commandFailed('set the visitor name', error)))
}

function sequenceOf(value: unknown): { readonly sequence: number } {
  const sequence = typeof value === 'object' && value !== null ? (value as { readonly sequence?: unknown }).sequence : undefined
  return { sequence: typeof sequence === 'number' ? sequence : 0 }
}
