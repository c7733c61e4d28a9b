// The Messaging requests a consumer sends, as the CLI's commands send them: open or resume a
// conversation, publish a line, ask to close, send what is typed.
import { Subject, filter, fromEvent, map } from 'rxjs'
import { type SurveySubmission, conversationIdOf } from '@chatbridge/core'
import { LineSource } from './line-source.js'
import type { MessagingSession } from './messaging-session.js'
import { type TypingState, isPartialLine, typingStates } from './typing-state.js'

/** Quiet time after the last keystroke before the visitor is not typing any more. */
export const TYPING_QUIET_MS = 3000

/**
 * The opening every Messaging consumer does: `InitConnection`, a conversation subscription, then
 * either a new conversation (`skill` given or not) or an existing one (`resume`), and a messaging
 * subscription from `fromSeq`. A new conversation carries pre-chat `survey` answers (chatbridge's
 * own request field) when given. Resolves with the conversation id.
 */
export async function openConversation(
  session: MessagingSession,
  what: { readonly skill?: string | undefined; readonly survey?: SurveySubmission | undefined } | { readonly resume: string; readonly fromSeq: number },
): Promise<string> {
  await session.open()
  await session.require('InitConnection', {}, [{ type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP', os: 'OTHER' }])
  await session.require('cqm.SubscribeExConversations', { convState: ['OPEN', 'CLOSE'] })
  if ('resume' in what) {
    // A chat URI or an id: the socket attaches to it; notifications carry the conversation id.
    await session.require('ms.SubscribeMessagingEvents', { dialogId: what.resume, fromSeq: what.fromSeq })
    return isUri(what.resume) ? conversationIdOf(new URL(what.resume)) : what.resume
  }
  const response = await session.require('cm.ConsumerRequestConversation', {
    ...(what.skill === undefined ? {} : { skillId: what.skill }),
    ...(what.survey === undefined ? {} : { survey: what.survey }),
  })
  const conversationId = String((response.body as { conversationId?: unknown }).conversationId)
  await session.require('ms.SubscribeMessagingEvents', { dialogId: conversationId, conversationId, fromSeq: 0 })
  return conversationId
}

/** Publishes a visitor line; a refusal shows in the transcript as the response. */
export async function publishLine(session: MessagingSession, conversationId: string, message: string): Promise<void> {
  await session.request('ms.PublishEvent', { dialogId: conversationId, conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message } })
}

/**
 * Sends the consumer's request to close the conversation (`cm.UpdateConversationField`, state
 * `CLOSE`); a refusal shows in the transcript as the response. The close itself arrives later, as
 * a `CLOSE` UPSERT.
 */
export async function sendCloseRequest(session: MessagingSession, conversationId: string): Promise<void> {
  await session.request('cm.UpdateConversationField', { conversationId, conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }] })
}

/** Publishes the visitor's typing state as a Messaging `ChatStateEvent` (`COMPOSING`, or `ACTIVE` once not typing). */
export async function publishTyping(session: MessagingSession, conversationId: string, state: TypingState): Promise<void> {
  const chatState = state === 'typing' ? 'COMPOSING' : 'ACTIVE'
  await session.request('ms.PublishEvent', { dialogId: conversationId, conversationId, event: { type: 'ChatStateEvent', chatState } })
}

/**
 * Sends each line read from `input` as a visitor line; at the end of input (Ctrl-D) or on a line
 * `/close`, closes the conversation. While a line is typed but not sent (input that does not end
 * with a line break), the visitor is typing (see {@link typingStates}). `lines` reads `input`
 * (pass the one the survey read from, so lines it has not taken are sent). Returns a function
 * that stops reading.
 */
export function sendTypedLines(
  input: NodeJS.ReadableStream,
  session: MessagingSession,
  conversationId: string,
  quietMs = TYPING_QUIET_MS,
  lines: LineSource = new LineSource(input),
): () => void {
  const sent = new Subject<void>()
  const keystrokes$ = fromEvent(input, 'data').pipe(
    map((chunk) => String(chunk)),
    filter(isPartialLine),
  )
  const typing = typingStates(keystrokes$, sent, quietMs).subscribe((state) => void publishTyping(session, conversationId, state))
  let closing = false
  const close = (): void => {
    if (closing) return
    closing = true
    void sendCloseRequest(session, conversationId)
  }
  // One at a time, in order; the adapter queues them while the chat waits for an agent.
  let sending = Promise.resolve()
  const onLine = (line: string): void => {
    if (closing) return
    if (line.trim() === '/close') {
      sending = sending.then(close)
      return
    }
    if (line.trim() === '') return
    sent.next()
    sending = sending.then(() => publishLine(session, conversationId, line))
  }
  lines.follow(onLine, () => void sending.then(close))
  return () => {
    closing = true
    typing.unsubscribe()
    lines.close()
  }
}

function isUri(idOrUri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(idOrUri)
}
