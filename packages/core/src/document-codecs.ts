/** The io-ts codecs of the legacy documents (chat, events, info, survey, scalars), in their JSON shape. */
import * as t from 'io-ts'
import { ChatEventCodec, readEvent } from './event-codec.js'
import { LenientBoolean, LenientNumber, LenientString, RawLinks, oneOrMany } from './lenient-codecs.js'
import { SectionType, documentOf } from './section-codec.js'

/**
 * Codecs of the legacy resources, in their JSON shape (XML is mapped to the same shape first).
 * Sections are lenient objects: unknown fields pass through and stay in `raw`.
 */

/** An object section whose listed fields are decoded and whose other fields are kept as they are. */
function section<P extends t.Props>(name: string, props: P): SectionType<Record<string, unknown> & t.TypeOfPartialProps<P>> {
  return new SectionType(name, props)
}

/** `events` section: links and events (the `event` key is missing when there are none). */
export const EventsSection = section('events', {
  link: RawLinks,
  event: oneOrMany(ChatEventCodec, readEvent),
})

/** `info` section; ids are strings since they exceed 2^32 and some servers quote them. */
export const InfoSection = section('info', {
  link: RawLinks,
  state: LenientString,
  chatSessionKey: LenientString,
  skillName: LenientString,
  skillId: LenientString,
  agentName: LenientString,
  agentId: LenientString,
  startTime: LenientString,
  duration: LenientNumber,
  lastUpdate: LenientString,
  chatTimeout: LenientNumber,
  visitorId: LenientString,
  agentTyping: LenientString,
  visitorTyping: LenientString,
  visitorName: LenientString,
  rtSessionId: LenientString,
  participantId: LenientString,
  engagementId: LenientString,
  campaignId: LenientString,
  language: LenientString,
})

/** The `chat` section: links, events and info. */
export const ChatSection = section('chat', { link: RawLinks, events: EventsSection, info: InfoSection })

/** `GET {chat}`: the whole chat resource; the idle poll's shape is read without io-ts. */
export const ChatDocument = documentOf('chat', ChatSection, 'ChatDocument')

/** `GET {chat}/events`. */
export const EventsDocument = t.type({ events: EventsSection }, 'EventsDocument')

/** `GET {chat}/info`. */
export const InfoDocument = t.type({ info: InfoSection }, 'InfoDocument')

/** The legacy error body `{"error":{time,message,internalCode}}`. */
export const ErrorDocument = t.type(
  { error: section('error', { time: LenientString, message: LenientString, internalCode: LenientNumber }) },
  'ErrorDocument',
)

/** A one-field document such as `{"visitorName":"You"}`. */
export function scalarDocument<A>(key: string, codec: t.Type<A, A, unknown>): t.Type<{ [k: string]: A }, unknown, unknown> {
  return t.type({ [key]: codec }, `${key}Document`)
}

export const AvailabilityDocument = scalarDocument('availability', LenientBoolean)
export const EstimatedWaitTimeDocument = scalarDocument('estimatedWaitTime', LenientNumber)
export const AvailableSlotsDocument = scalarDocument('availableSlots', LenientNumber)
export const VisitorNameDocument = scalarDocument('visitorName', LenientString)
export const VisitorTypingDocument = scalarDocument('visitorTyping', LenientString)
export const AgentTypingDocument = scalarDocument('agentTyping', LenientString)

const SurveyEntryCodec = section('entry', {
  value: LenientString,
  displayValue: LenientString,
  checked: LenientBoolean,
  logic: section('logic', { showLogicId: oneOrMany(LenientString) }),
})

const SurveyQuestionCodec = t.intersection(
  [
    section('question', {
      logicId: LenientString,
      order: LenientNumber,
      mandatory: LenientBoolean,
      type: LenientString,
      validationType: LenientString,
      label: LenientString,
      lastKnownValue: LenientString,
      entry: oneOrMany(t.union([SurveyEntryCodec, LenientString])),
    }),
    t.type({ id: LenientString }),
  ],
  'question',
)

/** A survey structure: `{"survey":{id,title,header,questions:{question:[…]}}}`. */
export const SurveyDocument = t.type(
  {
    survey: t.intersection([
      section('survey', {
        title: LenientString,
        header: LenientString,
        questions: section('questions', { question: oneOrMany(SurveyQuestionCodec) }),
      }),
      t.type({ id: LenientString }),
    ]),
  },
  'SurveyDocument',
)

/** The Domain API answer for one service: `{"service","account","baseURI"}`. */
export const BaseUriDocument = t.type({ baseURI: LenientString }, 'BaseUriDocument')
