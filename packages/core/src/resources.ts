/** Building the typed model from decoded documents; hrefs resolve against the document's own URI. */
import type * as t from 'io-ts'
import type { RawLink } from './lenient-codecs.js'
import { isRecord } from './lenient-codecs.js'
import { Links } from './links.js'
import type { ChatInfo, ChatSnapshot, EventsPage, Survey, SurveyEntry, SurveyQuestion, TypingStatus } from './model.js'
import type { ChatDocument, EventsSection, InfoSection, SurveyDocument } from './document-codecs.js'



/**
 * Links of a section; hrefs resolve against the document's URI when used. `base`: see the `Links`
 * constructor. `previous`, the section's links last read, is kept when these read alike.
 */
export function toLinks(raw: readonly RawLink[] | undefined, documentUri: URL, base?: string, previous?: Links): Links {
  const links = raw ?? []
  return previous?.isAlike(documentUri, links, base) === true ? previous : new Links(documentUri, links, base)
}

/** The links a chat's session read last, of the chat resource and of its info section (see `toLinks`). */
export interface PreviousLinks {
  readonly chat: Links | undefined
  readonly info: Links | undefined
}

/** The events section as a page, events sorted by id (servers should, but need not, send them sorted). */
export function toEventsPage(section: t.TypeOf<typeof EventsSection>, documentUri: URL, base?: string): EventsPage {
  const events = section.event ?? []
  const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.id - b.id)
  return { events: sorted, links: toLinks(section.link, documentUri, base) }
}

function isSorted(events: readonly { readonly id: number }[]): boolean {
  for (let i = 1; i < events.length; i += 1) if ((events[i]?.id ?? 0) < (events[i - 1]?.id ?? 0)) return false
  return true
}

function typing(value: string | undefined): TypingStatus | undefined {
  return value === 'typing' || value === 'not-typing' || value === 'unknown' ? value : undefined
}

/** The info section as {@link ChatInfo}. */
export function toInfo(section: t.TypeOf<typeof InfoSection>, documentUri: URL, base?: string, previous?: Links): ChatInfo {
  return {
    state: section.state ?? '',
    chatSessionKey: section.chatSessionKey,
    skillName: section.skillName,
    skillId: section.skillId,
    agentName: section.agentName,
    agentId: section.agentId,
    startTime: section.startTime,
    duration: section.duration,
    lastUpdate: section.lastUpdate,
    chatTimeout: section.chatTimeout,
    visitorId: section.visitorId,
    agentTyping: typing(section.agentTyping),
    visitorTyping: typing(section.visitorTyping),
    visitorName: section.visitorName,
    rtSessionId: section.rtSessionId,
    participantId: section.participantId,
    engagementId: section.engagementId,
    campaignId: section.campaignId,
    language: section.language,
    links: toLinks(section.link, documentUri, base, previous),
    raw: section,
  }
}

/** The whole chat resource. A missing `events` section reads as no events. `base`: the chat's own URI (see the `Links` constructor); `previous`: see `toLinks`. */
export function toSnapshot(document: t.TypeOf<typeof ChatDocument>, documentUri: URL, base?: string, previous?: PreviousLinks): ChatSnapshot {
  const { chat } = document
  return {
    uri: documentUri,
    links: toLinks(chat.link, documentUri, base, previous?.chat),
    events: toEventsPage(chat.events ?? {}, documentUri, base),
    info: chat.info === undefined ? undefined : toInfo(chat.info, documentUri, base, previous?.info),
  }
}

/** A survey structure. */
export function toSurvey(document: t.TypeOf<typeof SurveyDocument>): Survey {
  const { survey } = document
  const questions: SurveyQuestion[] = (survey.questions?.question ?? []).map((question) => ({
    id: question.id,
    logicId: question.logicId,
    order: question.order,
    mandatory: question.mandatory ?? false,
    type: question.type ?? '',
    validationType: question.validationType,
    label: question.label ?? '',
    lastKnownValue: question.lastKnownValue,
    entries: (question.entry ?? []).map(toEntry),
    raw: question,
  }))
  return { id: survey.id, title: survey.title, header: survey.header, questions, raw: survey }
}

function toEntry(entry: unknown): SurveyEntry {
  if (!isRecord(entry)) return { value: String(entry), displayValue: undefined, checked: false, showLogicIds: [] }
  const logic = isRecord(entry['logic']) ? entry['logic'] : {}
  const show = logic['showLogicId']
  return {
    value: typeof entry['value'] === 'string' ? entry['value'] : '',
    displayValue: typeof entry['displayValue'] === 'string' ? entry['displayValue'] : undefined,
    checked: entry['checked'] === true,
    showLogicIds: Array.isArray(show) ? show.map(String) : [],
  }
}
