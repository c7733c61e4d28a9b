/** The typed model of a legacy chat: events, info, snapshots, pages and surveys. */
import type { Links } from './links.js'

/** The chat states the legacy server reports. */
export type ChatState = 'waiting' | 'chatting' | 'ended'

/** A typing status as the legacy server reports it; `unknown` comes from `agentTyping` only. */
export type TypingStatus = 'typing' | 'not-typing' | 'unknown'

/** Fields every legacy chat event carries. */
export interface ChatEventBase {
  /** The event's `@id`: a non-negative counter per chat, used as the `from` cursor. */
  readonly id: number
  /** The event's `time` as sent (ISO-8601 with milliseconds and offset), or `''` when absent. */
  readonly time: string
  /** The event as it arrived (normalised to JSON shape), so no field is ever lost. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** A `state` event: the chat moved to `state`. Unknown state names are kept as strings. */
export interface StateEvent extends ChatEventBase {
  readonly type: 'state'
  readonly state: ChatState | (string & {})
}

/** Who wrote a line. Unknown sources are kept as strings. */
export type LineSource = 'system' | 'agent' | 'visitor' | (string & {})

/** A `line` event: a chat line from the visitor, the agent or the system. */
export interface LineEvent extends ChatEventBase {
  readonly type: 'line'
  readonly text: string
  /** `html` lines must not be rendered as markup without sanitising. */
  readonly textType: 'plain' | 'html' | (string & {})
  readonly source: LineSource
  /** Documented as `info|agent|visitor`; in practice the agent's display name for agent lines. */
  readonly by: string | undefined
  /** Present on system lines: 3 accepted, 4 routing, 5 agent ended, 13/15 transferred, … */
  readonly systemMessageId: number | undefined
  readonly subType: string | undefined
}

/** A `url` event: the agent pushed a URL to the visitor. */
export interface UrlEvent extends ChatEventBase {
  readonly type: 'url'
  /** The pushed URL as sent (`url`, or `text` on servers that use it); not validated. */
  readonly url: string
}

/** An `a2a-transfer` event: the chat moves to another account; the chat ends here. */
export interface A2ATransferEvent extends ChatEventBase {
  readonly type: 'a2a-transfer'
  readonly domain: string | undefined
  readonly remoteSiteId: string | undefined
  readonly skill: string | undefined
  /** To send back as-is in a chat request to the target account. */
  readonly chatRequestParameters: Readonly<Record<string, unknown>> | undefined
}

/** A `line-status` event (undocumented, seen in the wild): a status for an earlier line. */
export interface LineStatusEvent extends ChatEventBase {
  readonly type: 'line-status'
  readonly lineStatus: string
  /** The `@id` of the line this status is about, when sent. */
  readonly refSequenceId: number | undefined
  readonly source: string | undefined
}

/** An event of a type chatbridge does not know; kept whole in `raw`, never dropped. */
export interface UnknownEvent extends ChatEventBase {
  readonly type: 'unknown'
  /** The event's `@type` as sent. */
  readonly legacyType: string
}

/** Any legacy chat event, discriminated by `type`. */
export type ChatEvent = StateEvent | LineEvent | UrlEvent | A2ATransferEvent | LineStatusEvent | UnknownEvent

/** The `info` section of a chat: its state and participants. Ids are strings (they exceed 2^32). */
export interface ChatInfo {
  readonly state: ChatState | (string & {})
  readonly chatSessionKey: string | undefined
  readonly skillName: string | undefined
  readonly skillId: string | undefined
  readonly agentName: string | undefined
  readonly agentId: string | undefined
  readonly startTime: string | undefined
  /** Seconds since the chat started. */
  readonly duration: number | undefined
  readonly lastUpdate: string | undefined
  /** Seconds without a request after `lastUpdate` at which the server ends the chat. */
  readonly chatTimeout: number | undefined
  readonly visitorId: string | undefined
  readonly agentTyping: TypingStatus | undefined
  readonly visitorTyping: TypingStatus | undefined
  readonly visitorName: string | undefined
  readonly rtSessionId: string | undefined
  readonly participantId: string | undefined
  readonly engagementId: string | undefined
  readonly campaignId: string | undefined
  readonly language: string | undefined
  /** The info section's links: `visitor-name`, `visitor-typing`, `agent-typing`, … */
  readonly links: Links
  /** The section as it arrived, so fields chatbridge does not model are kept. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** A page of events and the links that came with it; `next` polls for what follows. */
export interface EventsPage {
  /** Events in ascending `id` order. */
  readonly events: readonly ChatEvent[]
  readonly links: Links
}

/** The whole chat resource from one request: events, info and the chat's links. */
export interface ChatSnapshot {
  /** The URI that was fetched. */
  readonly uri: URL
  readonly links: Links
  readonly events: EventsPage
  /** Absent when the server left the section out. */
  readonly info: ChatInfo | undefined
}

/** One question of a survey. */
export interface SurveyQuestion {
  readonly id: string
  readonly logicId: string | undefined
  readonly order: number | undefined
  readonly mandatory: boolean
  /** `Dropdown Box`, `Checkbox`, `Radio Button`, `Radio Button (side by side)`, `Text Field`, `Text Area`. */
  readonly type: string
  readonly validationType: string | undefined
  readonly label: string
  readonly lastKnownValue: string | undefined
  readonly entries: readonly SurveyEntry[]
  readonly raw: Readonly<Record<string, unknown>>
}

/** One choice of a choice question. */
export interface SurveyEntry {
  readonly value: string
  readonly displayValue: string | undefined
  readonly checked: boolean
  /** `logicId`s to reveal when this entry is checked. */
  readonly showLogicIds: readonly string[]
}

/** A survey structure (exit survey). */
export interface Survey {
  readonly id: string
  readonly title: string | undefined
  readonly header: string | undefined
  readonly questions: readonly SurveyQuestion[]
  readonly raw: Readonly<Record<string, unknown>>
}

/** An answer to one survey question; a Checkbox may take several. */
export interface SurveyAnswer {
  readonly id: string | number
  readonly answer: string | readonly string[]
}
