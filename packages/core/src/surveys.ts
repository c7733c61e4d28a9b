/**
 * The account's surveys: reading the pre-chat and offline surveys, submitting the offline one, and
 * the wire shape of a survey submission (shared with the chat request's `survey` field).
 */
import type { AccountEntries } from './account-resource.js'
import { SurveyDocument } from './document-codecs.js'
import type { OfflineSurveyQuery, OfflineSurveySubmission, PreChatSurveyQuery, SurveySubmission } from './journey-requests.js'
import type { Survey, SurveyAnswer } from './model.js'
import type { RequestOptions } from './options.js'
import { toSurvey } from './resources.js'
import type { Transport } from './transport.js'

/** `{"id":…,"question":[{"id","answer"}]}`: the `survey` object of every survey submission. */
export function surveyBody(surveyId: string | number, answers: readonly SurveyAnswer[]): Record<string, unknown> {
  return { id: surveyId, question: answers.map((answer) => ({ id: answer.id, answer: answer.answer })) }
}

/** The chat request's `survey` field for pre-chat answers. */
export function preChatSurveyField(submission: SurveySubmission): Record<string, unknown> {
  return surveyBody(submission.surveyId, submission.answers)
}

/** Reads a survey structure from the account relation `rel`. */
export async function readSurvey(
  transport: Transport,
  entries: AccountEntries,
  rel: 'prechat-survey' | 'chat-offline-survey',
  query: PreChatSurveyQuery | OfflineSurveyQuery,
  options: RequestOptions,
): Promise<Survey> {
  const uri = await entries.uri(rel, query, options)
  const response = await transport.send({ ...options, method: 'GET', uri })
  return toSurvey(transport.decode(SurveyDocument, response))
}

/**
 * Submits an offline survey. The `LETag*` and visitor fields go next to `survey`, as the legacy JS
 * SDK sends them (see {@link OfflineSurveySubmission} for why not inside it, as the docs show).
 */
export async function submitOfflineSurvey(transport: Transport, entries: AccountEntries, submission: OfflineSurveySubmission, options: RequestOptions): Promise<void> {
  const { surveyId, answers, ...siblings } = submission
  const body: Record<string, unknown> = { survey: surveyBody(surveyId, answers) }
  for (const [name, value] of Object.entries(siblings)) if (value !== undefined) body[name] = value
  const uri = await entries.uri('chat-offline-survey', {}, options)
  await transport.send({ ...options, method: 'POST', override: 'PUT', uri, body })
}
