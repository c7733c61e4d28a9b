import type { SurveyQuestion } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { CSAT_NOT_CONFIGURED, checkCsatOptions, csatAnswer, csatRatingOf, submitCsatRating } from '../src/csat.js'
import { conversationFieldUpdate } from '../src/requests/legacy-chat-request.js'

const question = (entries: readonly { value: string; displayValue?: string }[]): SurveyQuestion => ({
  id: '9',
  logicId: undefined,
  order: undefined,
  mandatory: true,
  type: 'Radio Button',
  validationType: undefined,
  label: 'How did we do?',
  lastKnownValue: undefined,
  entries: entries.map((entry) => ({ value: entry.value, displayValue: entry.displayValue, checked: false, showLogicIds: [] })),
  raw: {},
})

describe('CSATRate on legacy chat', () => {
  test('a rating is an integer 1–5; FILLED unless SKIPPED; the resolution confirmation is read', () => {
    expect(csatRatingOf({ field: 'CSATRate', csatRate: 4, csatResolutionConfirmation: true })).toEqual({ rate: 4, resolutionConfirmation: true, status: 'FILLED' })
    expect(csatRatingOf({ field: 'CSATRate', csatRate: 1, status: 'SKIPPED' })).toMatchObject({ status: 'SKIPPED' })
    for (const csatRate of [0, 6, 2.5, '3', undefined]) expect(() => csatRatingOf({ field: 'CSATRate', csatRate })).toThrow(/csatRate must be an integer from 1 to 5/)
    expect(() => csatRatingOf({ field: 'CSATRate', csatRate: 3, status: 'DONE' })).toThrow(/status must be FILLED or SKIPPED/)
  })

  test('a field update rates, then closes, or is unsupported', () => {
    expect(conversationFieldUpdate({ field: 'CSATRate', csatRate: 5 })).toEqual({ action: 'apply', rating: { rate: 5, resolutionConfirmation: undefined, status: 'FILLED' }, close: false })
    expect(conversationFieldUpdate([{ field: 'CSATRate', csatRate: 2 }, { field: 'ConversationStateField', conversationState: 'CLOSE' }])).toMatchObject({ action: 'apply', rating: { rate: 2 }, close: true })
    expect(() => conversationFieldUpdate({ field: 'CSATRate', csatRate: 9 })).toThrow(/from 1 to 5/)
  })

  test('the answer is the choice named by the number, else the rate-th of five choices, else the number', () => {
    expect(csatAnswer(3, question([{ value: 'r1', displayValue: '1' }, { value: 'r3', displayValue: '3' }]))).toBe('r3')
    expect(csatAnswer(2, question(['a', 'b', 'c', 'd', 'e'].map((value) => ({ value }))))).toBe('b')
    expect(csatAnswer(2, question([{ value: 'yes' }, { value: 'no' }]))).toBe('2')
    expect(csatAnswer(5, undefined)).toBe('5')
  })

  test('without csat options a rating is refused with what to configure; SKIPPED sends nothing', async () => {
    const sent: unknown[] = []
    const session = { submitExitSurvey: (id: string | number, answers: unknown) => Promise.resolve(void sent.push([id, answers])) }
    await expect(submitCsatRating(session, csatRatingOf({ csatRate: 4 }), undefined)).rejects.toMatchObject({ code: 'E_BAD_REQUEST', message: CSAT_NOT_CONFIGURED })
    expect(CSAT_NOT_CONFIGURED).toMatch(/csat: \{ questionId: /)
    await submitCsatRating(session, csatRatingOf({ csatRate: 4, status: 'SKIPPED' }), { questionId: 1, surveyId: 2 })
    await submitCsatRating(session, csatRatingOf({ csatRate: 4 }), { questionId: 1, surveyId: 2 })
    expect(sent).toEqual([[2, [{ id: 1, answer: '4' }]]])
  })

  test('csat options are checked when the connection is made', () => {
    expect(checkCsatOptions({ questionId: 'q' })).toEqual({ questionId: 'q' })
    expect(checkCsatOptions(undefined)).toBeUndefined()
    expect(() => checkCsatOptions({ questionId: '' })).toThrow(/questionId: 4991312/)
    expect(() => checkCsatOptions({ questionId: 1, surveyId: Number.NaN })).toThrow(/E_INVALID_CONFIG|csat must/)
  })
})
