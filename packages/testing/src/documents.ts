// The documents the server answers with (account, chat, events, info, exit survey), built from a served chat.
import type { ServedChat } from './served-chat.js'
import type { WireEvent } from './legacy-chat.js'
import type { QuirkSwitches } from './quirks.js'
import { malformHref } from './quirks.js'

/** A `link` entry as the service writes it. */
export interface WireLink {
  readonly '@href': string
  readonly '@rel': string
}

const link = (href: string, rel: string): WireLink => ({ '@href': href, '@rel': rel })

/** The cursor a `next` link carries: one past the last event, and never behind `from`. */
function nextFrom(chat: ServedChat, from: number): number {
  return Math.max(from, chat.events.length)
}

/** The body of `events` (links, then the events with id ≥ `from`, the key left out when there are none). */
export function eventsBody(chat: ServedChat, from: number): Record<string, unknown> {
  const links = [link(`${chat.uri}/events`, 'self'), link(`${chat.uri}/events?from=${nextFrom(chat, from)}`, 'next')]
  // Ids are positions, so the events from `from` on are a slice; none at all leaves `event` out (reference §12).
  const events: WireEvent[] = from < chat.events.length ? chat.events.slice(from) : []
  return events.length === 0 ? { link: links } : { link: links, event: events }
}

/** The body of `info`: its links, then the fields in the order of the reference's example. */
export function infoBody(chat: ServedChat, now: number, quirks: QuirkSwitches): Record<string, unknown> {
  const request = chat.request
  const str = (key: string): unknown => request[key]
  const visitorName = `${chat.uri}/info/visitorName`
  const agentTyping = `${chat.uri}/info/agentTyping`
  const body: Record<string, unknown> = {
    link: [
      link(`${chat.uri}/info`, 'self'),
      link(quirks.malformedHrefs ? malformHref(visitorName, 'one-slash') : visitorName, 'visitor-name'),
      link(`${chat.uri}/info/visitorTyping`, 'visitor-typing'),
      link(quirks.malformedHrefs ? malformHref(agentTyping, 'no-scheme') : agentTyping, 'agent-typing'),
    ],
    state: chat.state,
    chatSessionKey: chat.id,
  }
  if (typeof str('skill') === 'string') {
    body['skillName'] = str('skill')
    body['skillId'] = chat.ids.skillId
  }
  if (chat.agent !== undefined) {
    body['agentName'] = chat.agent.name
    body['agentId'] = chat.agent.id
  }
  body['startTime'] = chat.wireTime(chat.startTime)
  body['duration'] = chat.chattingSince === undefined ? 0 : Math.floor((now - chat.chattingSince) / 1000)
  body['lastUpdate'] = chat.wireTime(chat.lastUpdate)
  body['chatTimeout'] = chat.chatTimeoutS
  body['visitorId'] = chat.ids.visitorId
  body['agentTyping'] = chat.agentTyping
  body['visitorTyping'] = chat.visitorTyping
  body['visitorName'] = chat.visitorName
  body['rtSessionId'] = chat.ids.rtSessionId
  const copied: readonly (readonly [string, string])[] = [
    ['LETagVisitorId', 'sharkVisitorId'],
    ['LETagSessionId', 'sharkSessionId'],
    ['LETagContextId', 'sharkContextId'],
    ['engagementId', 'engagementId'],
    ['campaignId', 'campaignId'],
    ['language', 'language'],
  ]
  for (const [from, to] of copied) {
    const value = str(from)
    if (typeof value === 'string' || typeof value === 'number') body[to] = value
  }
  return body
}

/** The whole chat resource: links (the order clients index by), events from `from`, and info. */
export function chatBody(chat: ServedChat, from: number, now: number, quirks: QuirkSwitches): Record<string, unknown> {
  const uri = chat.uri
  return {
    link: [
      link(uri, 'self'),
      link(`${uri}/events`, 'events'),
      link(`${uri}/info`, 'info'),
      link(`${uri}?from=${nextFrom(chat, from)}`, 'next'),
      link(`${uri}/transcriptRequest`, 'transcript-request'),
      link(`${uri}/transcriptWithSubjectRequest`, 'transcript-with-subject-request'),
      link(`${uri}/exitSurvey`, 'exit-survey'),
      link(`${uri}/customVariables`, 'custom-variables'),
    ],
    events: eventsBody(chat, from),
    info: infoBody(chat, now, quirks),
  }
}

/** The account resource: the links a client starts from. */
export function accountBody(accountRoot: string): Record<string, unknown> {
  return {
    link: [
      link(`${accountRoot}/chat/request`, 'chat-request'),
      link(`${accountRoot}/chat/availability`, 'chat-availability'),
      link(`${accountRoot}/chat/availableSlots`, 'chat-available-slots'),
      link(`${accountRoot}/chat/estimatedWaitTime`, 'chat-estimatedWaitTime'),
      // The docs spell this one `/chat//preSurvey`; served as documented so clients must cope.
      link(`${accountRoot}/chat//preSurvey`, 'prechat-survey'),
      link(`${accountRoot}/chat/offlineSurvey`, 'chat-offline-survey'),
    ],
  }
}

/** The exit survey every chat offers: one text question and one radio question (reference §5 shape). */
export const exitSurveyBody: Readonly<Record<string, unknown>> = {
  id: 361346,
  title: 'Exit survey',
  header: 'Tell us how we did',
  questions: {
    question: [
      { id: 4991310, logicId: 1, order: 1, mandatory: false, type: 'Text Area', validationType: 'alpha_numeric', label: 'Any comments?', lastKnownValue: '' },
      {
        id: 4991311,
        logicId: 2,
        order: 2,
        mandatory: true,
        type: 'Radio Button',
        validationType: 'alpha_numeric',
        label: 'Did we solve your problem?',
        entry: [
          { value: 'yes', displayValue: 'Yes', checked: false },
          { value: 'no', displayValue: 'No', checked: false },
        ],
      },
    ],
  },
}
