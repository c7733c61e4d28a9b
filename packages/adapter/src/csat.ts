/**
 * `cm.UpdateConversationField` `CSATRate` on legacy chat: the rating is the answer to one question
 * of the chat's exit survey, which only the host can name. The reading of the field and the
 * choice of the answer are pure; {@link submitCsatRating} is the one call that reaches the server.
 */
import type { Survey, SurveyAnswer, SurveyQuestion } from '@chatbridge/core'
import { AdapterError, commandFailed } from './adapter-error.js'
import type { ChatSessionPort } from './legacy-contract.js'

/**
 * Where a Messaging CSAT rating goes on legacy chat: the exit survey question that carries it.
 *
 * @example
 * new Connection(client, { csat: { questionId: 4991312 } })
 */
export interface CsatOptions {
  /** The exit survey question whose answer is the rating (1–5). */
  readonly questionId: string | number
  /** The exit survey's id; default: read from the chat's exit survey (`exitSurvey`) when rating. */
  readonly surveyId?: string | number
  /** The exit survey to read by name (legacy `surveyName`), when the account has several. */
  readonly surveyName?: string
}

/** A Messaging `CSATRate` field, read and checked. */
export interface CsatRating {
  /** 1 to 5. */
  readonly rate: number
  /** Messaging's "was your issue resolved"; legacy chat has no field for it, so it is not sent. */
  readonly resolutionConfirmation: boolean | undefined
  /** `SKIPPED`: the consumer declined the survey; nothing is submitted. */
  readonly status: 'FILLED' | 'SKIPPED'
}

/** What to answer a `CSATRate` field with when the connection has no {@link CsatOptions}. */
export const CSAT_NOT_CONFIGURED =
  'CSATRate needs the exit survey question that carries the rating: configure it with the connection option csat, ' +
  'e.g. new Connection(client, { csat: { questionId: 4991312 } }) or createMessagingSocket({ csat: { questionId: 4991312, surveyId: 361346 } }); ' +
  'surveyId is read from the chat\'s exit survey when not given'

/** Reads a `CSATRate` field; throws `E_BAD_REQUEST` when `csatRate` is not an integer 1–5 or `status` is not FILLED/SKIPPED. */
export function csatRatingOf(value: object): CsatRating {
  const field = value as Readonly<Record<string, unknown>>
  const rate = field['csatRate']
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 5) {
    throw new AdapterError('E_BAD_REQUEST', `CSATRate csatRate must be an integer from 1 to 5, e.g. { field: 'CSATRate', csatRate: 4 }; got ${JSON.stringify(rate) ?? 'nothing'}`)
  }
  const status = field['status'] ?? 'FILLED'
  if (status !== 'FILLED' && status !== 'SKIPPED') throw new AdapterError('E_BAD_REQUEST', `CSATRate status must be FILLED or SKIPPED; got ${JSON.stringify(status)}`)
  const confirmation = field['csatResolutionConfirmation']
  return { rate, resolutionConfirmation: typeof confirmation === 'boolean' ? confirmation : undefined, status }
}

/**
 * The answer for `rate` to `question`: the choice whose value or display value is the number, or,
 * for a question with five choices and no such one, the rate-th choice in order; else the number as text.
 */
export function csatAnswer(rate: number, question: SurveyQuestion | undefined): string {
  const text = String(rate)
  const entries = question?.entries ?? []
  const named = entries.find((entry) => entry.value === text || entry.displayValue === text)
  if (named !== undefined) return named.value
  return entries.length === 5 ? (entries[rate - 1]?.value ?? text) : text
}

/** The exit survey calls of a chat session (core's `ChatSession` has both). */
export type ExitSurveyPort = Pick<ChatSessionPort, 'exitSurvey' | 'submitExitSurvey'>

/**
 * Submits `rating` as the answer to `options.questionId` of the chat's exit survey. The survey is
 * read first when `surveyId` is not configured; a question missing from it is refused with
 * `E_BAD_REQUEST`, so a wrong option shows at the first rating. A `SKIPPED` rating sends nothing.
 * Without `options`, refuses with `E_BAD_REQUEST` saying what to configure ({@link CSAT_NOT_CONFIGURED}).
 */
export async function submitCsatRating(session: ExitSurveyPort, rating: CsatRating, options: CsatOptions | undefined): Promise<void> {
  if (options === undefined) throw new AdapterError('E_BAD_REQUEST', CSAT_NOT_CONFIGURED)
  if (rating.status === 'SKIPPED') return
  const { exitSurvey, submitExitSurvey } = session
  if (submitExitSurvey === undefined || (options.surveyId === undefined && exitSurvey === undefined)) {
    throw new AdapterError('E_BAD_REQUEST', 'this chat client has no exit survey calls (exitSurvey, submitExitSurvey); use core\'s LegacyChatClient')
  }
  let surveyId = options.surveyId
  let question: SurveyQuestion | undefined
  if (surveyId === undefined && exitSurvey !== undefined) {
    let survey: Survey
    try {
      survey = await exitSurvey.call(session, options.surveyName === undefined ? {} : { surveyName: options.surveyName })
    } catch (error) {
      throw commandFailed('read the exit survey', error)
    }
    question = survey.questions.find((q) => q.id === String(options.questionId))
    if (question === undefined) {
      throw new AdapterError('E_BAD_REQUEST', `the exit survey ${survey.id} has no question ${String(options.questionId)} (csat.questionId); its questions are ${survey.questions.map((q) => q.id).join(', ')}`)
    }
    surveyId = survey.id
  }
  const answers: readonly SurveyAnswer[] = [{ id: options.questionId, answer: csatAnswer(rating.rate, question) }]
  try {
    await submitExitSurvey.call(session, surveyId ?? '', answers)
  } catch (error) {
    throw commandFailed('submit the CSAT rating as the exit survey answer', error)
  }
}

/** `csat` as given, checked when the connection is made; throws `E_INVALID_CONFIG` showing a correct one. */
export function checkCsatOptions(csat: CsatOptions | undefined): CsatOptions | undefined {
  if (csat === undefined) return undefined
  const id = (value: unknown): boolean => (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))
  if (typeof csat !== 'object' || csat === null || !id(csat.questionId) || (csat.surveyId !== undefined && !id(csat.surveyId)) || (csat.surveyName !== undefined && typeof csat.surveyName !== 'string')) {
    throw new AdapterError('E_INVALID_CONFIG', 'csat must name the exit survey question that carries the rating, e.g. { csat: { questionId: 4991312, surveyId: 361346 } } (surveyId and surveyName optional)')
  }
  return csat
}
