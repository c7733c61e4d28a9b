// The mapping: legacy events and info in, Messaging changes out (messaging-model.md §3); it only computes.
import { endsChat, isChatOver } from './chat-over.js'
import {
  type ConversationModel,
  closeModel,
  closeModelBySystem,
  consumerIdOf,
  enterState,
  isClosed,
  withConsumerId,
} from './conversation-model.js'
import { upsertIsCurrent, upsertOf, withUpsert } from './conversation-upsert.js'
import { epochMs } from './event-time.js'
import { sequencedChange, systemOriginator } from './sequenced-change.js'
import { systemLineMetadata } from './system-line-metadata.js'
import { sharedSystemText } from './system-line-text.js'
import { htmlToPlainText } from './html-to-plain-text.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import type { ChangeMetadata, ChatStateValue, ExConversationChange, MessagingEventChange, OriginatorMetadata } from './messaging-types.js'

/**
 * What one legacy event (or an info change) becomes.
 *
 * @internal
 */
export type MappedOutput =
  | { readonly kind: 'message'; readonly change: MessagingEventChange }
  | { readonly kind: 'conversation'; readonly change: ExConversationChange }
  /** An event of unknown type, kept whole; never dropped, never a crash. */
  | { readonly kind: 'legacy'; readonly conversationId: string; readonly sequence: number; readonly metadata: readonly ChangeMetadata[] }

/**
 * Maps one page of new legacy events (ascending `@id`, none seen before) and the info that came
 * with it to Messaging outputs, in `@id` order, following messaging-model.md §3. Pure: `now` is
 * only used for changes that have no event time (info-only changes).
 *
 * It does not dedupe or sort: the poller hands it each event once, in order. The model's
 * transitions are `conversation-model.ts`'s; "is the chat over?" is `chat-over.ts`'s.
 *
 * @internal
 */
export function mapBatch(
  model: ConversationModel,
  events: readonly LegacyEvent[],
  info: LegacyInfo | undefined,
  now: number,
): { readonly model: ConversationModel; readonly outputs: readonly MappedOutput[] } {
  let m: ConversationModel = withConsumerId(model, info)
  // Static facts from info first, so the events' UPSERTs already carry them.
  const skillId = info?.skillId ?? info?.skillName ?? m.skillId
  if (skillId !== m.skillId) m = { ...m, skillId }
  const outputs: MappedOutput[] = []
  const infoAgent = agentFrom(info)
  const upsertIfChanged = (ts: number): void => {
    // Most polls change nothing: tell so without building the details.
    if (upsertIsCurrent(m, ts)) return
    m = withUpsert(m, ts)
    outputs.push({ kind: 'conversation', change: upsertOf(m, ts) })
  }
  // Consecutive lines of one originator share its object: a chat logs its lines for its life.
  let lastOriginator: OriginatorMetadata | undefined
  // The agent's "ended" line may sit after the state event in the same page.
  if (events.some((e) => e.type === 'line' && e.source === 'system' && e.systemMessageId === 5)) m = { ...m, agentEndedLineSeen: true }

  for (const event of events) {
    const ts = epochMs(event.time, now)
    switch (event.type) {
      case 'state': {
        if (m.startTs === undefined) m = { ...m, startTs: ts }
        if (isClosed(m)) break
        m = enterState(m, event.state, infoAgent, ts)
        upsertIfChanged(ts)
        break
      }
      case 'line': {
        if (m.startTs === undefined) m = { ...m, startTs: ts }
        const change = lineChange(m, event, ts, lastOriginator)
        lastOriginator = change.originatorMetadata
        outputs.push({ kind: 'message', change })
        break
      }
      case 'url':
        outputs.push({
          kind: 'message',
          change: sequencedChange(m.conversationId, event.id, ts, agentOriginator(m, undefined), { type: 'ContentEvent', contentType: 'text/plain', message: event.url }, [
            { type: 'LegacyUrlPush', url: event.url },
          ]),
        })
        break
      case 'line-status':
        outputs.push({
          kind: 'message',
          change: sequencedChange(m.conversationId, event.id, ts, originatorBySource(m, event.source, undefined), {
            type: 'AcceptStatusEvent',
            status: event.lineStatus,
            sequenceList: event.refSequenceId === undefined ? [] : [event.refSequenceId],
          }),
        })
        break
      case 'a2a-transfer': {
        const transfer: ChangeMetadata = {
          type: 'LegacyA2ATransfer',
          domain: event.domain,
          remoteSiteId: event.remoteSiteId,
          skill: event.skill,
          chatRequestParameters: event.chatRequestParameters,
        }
        m = { ...m, transfer }
        if (endsChat(event) && !isClosed(m)) m = closeModelBySystem(m, ts)
        upsertIfChanged(ts)
        break
      }
      case 'unknown':
        outputs.push({
          kind: 'legacy',
          conversationId: m.conversationId,
          sequence: event.id,
          metadata: [{ type: 'LegacyEvent', legacyType: event.legacyType, event: event.raw }],
        })
        break
    }
  }

  if (info !== undefined) {
    if (m.legacyState === undefined && !isClosed(m)) {
      m = { ...m, legacyState: info.state }
      if (info.state === 'chatting') m = { ...m, agent: infoAgent }
    }
    // A transfer or reassignment shows as a new agent in info while chatting (systemMessageId 13/15).
    if (!isClosed(m) && m.legacyState === 'chatting' && infoAgent !== undefined && infoAgent.id !== m.agent?.id) m = { ...m, agent: infoAgent }
    // The server may end a chat (timeout) without an `ended` event reaching this page.
    if (isChatOver({ events, info }) && !isClosed(m)) m = closeModel(m, now)
    if (m.upserted !== undefined || m.legacyState !== undefined) upsertIfChanged(events.length > 0 ? epochMs(events.at(-1)?.time ?? '', now) : now)
    const typing = typingChange(m.agentTyping, info.agentTyping)
    if (m.agentTyping !== info.agentTyping) m = { ...m, agentTyping: info.agentTyping }
    if (typing !== undefined && !isClosed(m)) {
      outputs.push({
        kind: 'message',
        change: {
          originatorId: agentOriginator(m, undefined).id,
          originatorMetadata: agentOriginator(m, undefined),
          event: { type: 'ChatStateEvent', chatState: typing },
          conversationId: m.conversationId,
          dialogId: m.conversationId,
        },
      })
    }
  }
  return { model: m, outputs }
}

/**
 * True when {@link mapBatch} would map this page to nothing and leave `model` as it is: no events,
 * and info changing nothing the model keeps (the common idle poll) — so the caller may skip it.
 * `false` when unsure (the details not checkable without building them): map it then.
 *
 * @internal
 */
export function isIdlePage(model: ConversationModel, events: readonly LegacyEvent[], info: LegacyInfo | undefined): boolean {
  if (events.length > 0 || model.consumerId === undefined) return false
  if (info === undefined) return true
  const closed = isClosed(model)
  const infoAgentId = info.agentId ?? info.agentName
  return (
    (info.skillId ?? info.skillName ?? model.skillId) === model.skillId &&
    (model.legacyState !== undefined || closed) &&
    (closed || model.legacyState !== 'chatting' || infoAgentId === undefined || infoAgentId === model.agent?.id) &&
    (closed || !isChatOver({ events, info })) &&
    // Without a start time the details would take the poll's time: unsure, so map it.
    model.startTs !== undefined &&
    upsertIsCurrent(model, model.startTs) &&
    info.agentTyping === model.agentTyping
  )
}

/**
 * Closes the conversation because the chat is over on the server without an `ended` event: gone
 * (404, internalCode 12) or ended for want of answers (`server-silent`).
 *
 * @internal
 */
export function closeAsGone(model: ConversationModel, now: number): { readonly model: ConversationModel; readonly outputs: readonly MappedOutput[] } {
  if (isClosed(model)) return { model, outputs: [] }
  const closed = closeModelBySystem(model, now)
  return { model: withUpsert(closed, now), outputs: [{ kind: 'conversation', change: upsertOf(closed, now) }] }
}

// `previous`: the originator of the line before on the page, taken when it is the same one.
function lineChange(m: ConversationModel, event: Extract<LegacyEvent, { type: 'line' }>, ts: number, previous: OriginatorMetadata | undefined): MessagingEventChange {
  const isHtml = event.textType === 'html'
  const isSystem = event.source === 'system'
  const text = isHtml ? htmlToPlainText(event.text) : event.text
  const message = isSystem ? sharedSystemText(text) : text
  // Literals, not pushes: a logged line keeps its metadata array (a plain system line shares one).
  const html: ChangeMetadata | undefined = isHtml ? { type: 'LegacyHtml', html: event.text } : undefined
  const system: ChangeMetadata | undefined = isSystem && html !== undefined ? { type: 'LegacySystemMessage', systemMessageId: event.systemMessageId } : undefined
  const metadata: readonly ChangeMetadata[] = html === undefined ? (isSystem ? systemLineMetadata(event.systemMessageId) : NO_METADATA) : system === undefined ? [html] : [html, system]
  return sequencedChange(m.conversationId, event.id, ts, sameOriginator(m, event, previous) ?? originatorBySource(m, event.source, event.by), { type: 'ContentEvent', contentType: 'text/plain', message }, metadata)
}

const NO_METADATA: readonly ChangeMetadata[] = []

// `previous` when this line's originator is the same, told without building it.
function sameOriginator(m: ConversationModel, event: Extract<LegacyEvent, { type: 'line' }>, previous: OriginatorMetadata | undefined): OriginatorMetadata | undefined {
  if (previous === undefined) return undefined
  if (event.source === 'visitor') return previous.role === 'CONSUMER' && previous.id === consumerIdOf(m) ? previous : undefined
  if (event.source === 'agent') return previous.role === 'ASSIGNED_AGENT' && previous.id === (m.agent?.id ?? event.by) ? previous : undefined
  // The system's id is the page's chat's, so the role tells (comparing built ids would flatten them).
  return previous.role === 'CONTROLLER' ? previous : undefined
}

function originatorBySource(m: ConversationModel, source: string | undefined, by: string | undefined): OriginatorMetadata {
  if (source === 'visitor') return { id: consumerIdOf(m), role: 'CONSUMER' }
  if (source === 'agent') return agentOriginator(m, by)
  return systemOriginator(m.conversationId)
}

function agentOriginator(m: ConversationModel, by: string | undefined): OriginatorMetadata {
  return { id: m.agent?.id ?? by ?? `agent-${m.conversationId}`, role: 'ASSIGNED_AGENT' }
}

function agentFrom(info: LegacyInfo | undefined): ConversationModel['agent'] {
  if (info === undefined) return undefined
  const id = info.agentId ?? info.agentName
  return id === undefined ? undefined : { id, name: info.agentName }
}

function typingChange(before: string | undefined, after: string | undefined): ChatStateValue | undefined {
  if (after === before) return undefined
  if (after === 'typing') return 'COMPOSING'
  if (before === 'typing' && after === 'not-typing') return 'ACTIVE'
  return undefined
}
