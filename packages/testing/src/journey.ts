// The visitor journey around a chat on the server: pre-chat and offline surveys, authenticated
// visitors, and the checks a real server makes of their answers (JourneyState, handleJourneyRoute).
import { ApiError, apiErrors } from './api-error.js'

/** What the journey routes serve and accept; each field may be set per server. */
export interface JourneySettings {
  /** The pre-chat survey structure (`survey` object, §5 shape). */
  readonly preChatSurvey: Readonly<Record<string, unknown>>
  /** The offline survey structure. */
  readonly offlineSurvey: Readonly<Record<string, unknown>>
  /** SSO keys `POST conversation` accepts; any other answers 401. Default `['test-sso-key']`. */
  readonly ssoKeys: readonly string[]
}

/** An authentication the server issued. */
export interface IssuedAuthentication {
  readonly participantId: string
  readonly conversationId: string
  readonly authChatConnId: string
}

/** What the journey routes received, for tests to assert on. */
export interface JourneyRecord {
  readonly offlineSurveys: readonly Readonly<Record<string, unknown>>[]
  readonly authentications: readonly IssuedAuthentication[]
}

/** The pre-chat survey a server serves by default: one mandatory text field, one optional checkbox. */
export const defaultPreChatSurvey: Readonly<Record<string, unknown>> = {
  id: 40216,
  title: 'Before we start',
  header: 'Tell us about you',
  questions: {
    question: [
      { id: 40217, logicId: 1, order: 1, mandatory: true, type: 'Text Field', validationType: 'alpha_numeric', label: 'Your name', lastKnownValue: '' },
      {
        id: 40218, logicId: 2, order: 2, mandatory: false, type: 'Checkbox', validationType: 'alpha_numeric', label: 'Topics',
        entry: [{ value: 'billing', displayValue: 'Billing', checked: false }, { value: 'orders', displayValue: 'Orders', checked: false }],
      },
    ],
  },
}

/** The offline survey a server serves by default: a mandatory email and a message. */
export const defaultOfflineSurvey: Readonly<Record<string, unknown>> = {
  id: 361350,
  title: 'Leave a message',
  header: 'No agent is available',
  questions: {
    question: [
      { id: 4991320, logicId: 1, order: 1, mandatory: true, type: 'Text Field', validationType: 'email', label: 'Email', lastKnownValue: '' },
      { id: 4991321, logicId: 2, order: 2, mandatory: false, type: 'Text Area', validationType: 'alpha_numeric', label: 'Message', lastKnownValue: '' },
    ],
  },
}

/** The server's journey state: settings, issued authentications and received submissions. */
export class JourneyState implements JourneyRecord {
  settings: JourneySettings
  readonly offlineSurveys: Record<string, unknown>[] = []
  readonly authentications: IssuedAuthentication[] = []
  #next = 1

  constructor(settings: Partial<JourneySettings> = {}) {
    this.settings = { preChatSurvey: defaultPreChatSurvey, offlineSurvey: defaultOfflineSurvey, ssoKeys: ['test-sso-key'], ...settings }
  }

  /** `POST conversation`: checks the SSO key and issues ids. */
  authenticate(body: unknown): Record<string, unknown> {
    const request = unwrap(body, 'conversation')
    const ssoKey = request['ssoKey']
    const connId = request['authChatConnId']
    if (typeof connId !== 'string' && typeof connId !== 'number') throw apiErrors.badParameter('authChatConnId is required')
    if (connId === '') throw apiErrors.badParameter('authChatConnId is required')
    // Never echo the key: the message names the field only.
    if (typeof ssoKey !== 'string' || !this.settings.ssoKeys.includes(ssoKey)) throw new ApiError(401, 'Unauthorized: the ssoKey was not accepted', 110)
    const n = this.#next++
    const issued = { participantId: `${900000 + n}`, conversationId: `auth-conversation-${n}`, authChatConnId: String(connId) }
    this.authentications.push(issued)
    return { participantId: issued.participantId, conversationId: issued.conversationId }
  }

  /** Checks a chat request's `participantId`/`conversationId` (both or neither, and issued) and its pre-chat answers. */
  checkChatRequest(request: Readonly<Record<string, unknown>>): void {
    const participant = request['participantId']
    const conversation = request['conversationId']
    if (participant !== undefined || conversation !== undefined) {
      const found = this.authentications.some((a) => a.participantId === String(participant) && a.conversationId === String(conversation))
      if (!found) throw new ApiError(401, 'Unauthorized: participantId and conversationId do not match an authentication', 111)
    }
    if (request['survey'] !== undefined) checkAnswers(this.settings.preChatSurvey, request['survey'])
  }

  /** `PUT offlineSurvey`: checks and records a submission. */
  submitOffline(body: unknown): void {
    if (typeof body !== 'object' || body === null || !('survey' in body)) throw apiErrors.badParameter('body must be {"survey":{...}}')
    const record = body as Record<string, unknown>
    checkAnswers(this.settings.offlineSurvey, record['survey'])
    this.offlineSurveys.push(record)
  }
}

/** An answer for a question the survey lacks, or a mandatory question left out, is a 400 as a server gives it. */
export function checkAnswers(survey: Readonly<Record<string, unknown>>, submitted: unknown): void {
  if (typeof submitted !== 'object' || submitted === null) throw apiErrors.badParameter('survey must be {"id":..,"question":[..]}')
  const answer = submitted as Record<string, unknown>
  if (String(answer['id']) !== String(survey['id'])) throw new ApiError(400, `Invalid survey: unknown survey id ${String(answer['id'])}`, 112)
  const questions = listOf((survey['questions'] as Record<string, unknown> | undefined)?.['question']) as Record<string, unknown>[]
  const known = new Map(questions.map((q) => [String(q['id']), q]))
  const answered = new Set<string>()
  for (const item of listOf(answer['question'])) {
    const id = String((item as Record<string, unknown> | null)?.['id'])
    if (!known.has(id)) throw new ApiError(400, `Invalid survey: unknown question id ${id}`, 113)
    const value = (item as Record<string, unknown>)['answer']
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) answered.add(id)
  }
  for (const [id, question] of known) {
    if ((question['mandatory'] === true || question['mandatory'] === 'true') && !answered.has(id)) {
      throw new ApiError(400, `Invalid survey: mandatory question ${id} was not answered`, 114)
    }
  }
}

// One-item lists arrive as bare objects (XML, and the docs' own examples).
function listOf(value: unknown): unknown[] {
  if (value === undefined || value === '') return []
  return Array.isArray(value) ? value : [value]
}

// XML has one root, so a multi-field body may come wrapped in an element named after the call.
function unwrap(body: unknown, root: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {}
  const record = body as Record<string, unknown>
  const inner = record[root]
  return Object.keys(record).length === 1 && typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : record
}
