/**
 * chatbridge's own fields of a `cm.ConsumerRequestConversation` body (Messaging has none for them):
 * pre-chat survey answers and an authenticated visitor's ids. Read and checked here, as hostile
 * input, so a malformed one is a 400 that shows the right shape rather than a legacy error later.
 */
import type { AuthenticatedVisitor, SurveyAnswer, SurveySubmission } from '@chatbridge/core'
import { AdapterError } from '../adapter-error.js'

const surveyExample = '{ survey: { surveyId: 361346, answers: [{ id: 4991310, answer: "Ann" }] } }'
const visitorExample = '{ authenticatedVisitor: { participantId: "…", conversationId: "…" } } (from LegacyChatClient.authenticateVisitor)'

/** The body's `survey`, or `undefined` when absent; throws `E_BAD_REQUEST` showing the shape when malformed. */
export function surveyField(value: unknown): SurveySubmission | undefined {
  if (value === undefined) return undefined
  const record = isRecord(value) ? value : {}
  const answers = Array.isArray(record['answers']) ? (record['answers'] as unknown[]) : undefined
  if (!isId(record['surveyId']) || answers === undefined || !answers.every(isAnswer)) {
    throw new AdapterError('E_BAD_REQUEST', `cm.ConsumerRequestConversation survey must be ${surveyExample}`)
  }
  return { surveyId: record['surveyId'], answers: answers.map((answer) => ({ id: answer.id, answer: answer.answer })) }
}

/** The body's `authenticatedVisitor`, or `undefined` when absent; throws `E_BAD_REQUEST` when malformed. */
export function authenticatedVisitorField(value: unknown): AuthenticatedVisitor | undefined {
  if (value === undefined) return undefined
  const record = isRecord(value) ? value : {}
  const { participantId, conversationId } = record
  if (typeof participantId !== 'string' || participantId === '' || typeof conversationId !== 'string' || conversationId === '') {
    throw new AdapterError('E_BAD_REQUEST', `cm.ConsumerRequestConversation authenticatedVisitor must be ${visitorExample}`)
  }
  return { participantId, conversationId }
}

function isAnswer(value: unknown): value is SurveyAnswer {
  if (!isRecord(value) || !isId(value['id'])) return false
  const answer = value['answer']
  return typeof answer === 'string' || (Array.isArray(answer) && answer.every((item) => typeof item === 'string'))
}

function isId(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
