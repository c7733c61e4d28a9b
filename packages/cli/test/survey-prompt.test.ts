import type { Survey, SurveyQuestion } from '@chatbridge/core'
import { describe, expect, test } from 'vitest'
import { CliFailure } from '../src/arguments.js'
import { answerSurvey, parseAnswer, questionPrompt } from '../src/survey-prompt.js'

function question(fields: Partial<SurveyQuestion> & Pick<SurveyQuestion, 'id' | 'type'>): SurveyQuestion {
  return { logicId: undefined, order: undefined, mandatory: false, validationType: undefined, label: fields.id, lastKnownValue: undefined, entries: [], raw: {}, ...fields }
}

const entries = [
  { value: 'billing', displayValue: 'Billing', checked: false, showLogicIds: [] },
  { value: 'orders', displayValue: 'Orders', checked: false, showLogicIds: [] },
  { value: 'other', displayValue: undefined, checked: false, showLogicIds: [] },
]

const survey: Survey = {
  id: '700',
  title: 'Before we start',
  header: undefined,
  raw: {},
  questions: [
    question({ id: '2', order: 2, type: 'Dropdown Box', label: 'Department', entries, mandatory: true }),
    question({ id: '1', order: 1, type: 'Text Field', label: 'Your name', mandatory: true, validationType: 'alpha_numeric' }),
    question({ id: '3', order: 3, type: 'Checkbox', label: 'Topics', entries }),
    question({ id: '4', order: 4, type: 'Text Field', label: 'Email', validationType: 'email' }),
    question({ id: '5', order: 5, type: 'Radio Button', label: 'Rating', entries }),
  ],
}

async function* asyncLines(lines: readonly string[]): AsyncIterable<string> {
  for (const line of lines) yield await Promise.resolve(line)
}

describe('answerSurvey', () => {
  test('asks in `order`, maps numbers to entry values, a checkbox to an array, skips optional empties', async () => {
    const shown: string[] = []
    const submission = await answerSurvey(survey, ['Ann', '2', '3, 1', '', '1'], (line) => shown.push(line))
    expect(submission).toEqual({
      surveyId: '700',
      answers: [
        { id: '1', answer: 'Ann' },
        { id: '2', answer: 'orders' },
        { id: '3', answer: ['other', 'billing'] },
        { id: '5', answer: 'billing' },
      ],
    })
    expect(shown[0]).toBe('Before we start')
    expect(shown[1]).toMatch(/^Your name \(required\)/)
    expect(shown).toContain('  3. other')
  })

  test('a mandatory question left empty, or a choice out of range, is asked again', async () => {
    const shown: string[] = []
    const submission = await answerSurvey(survey, asyncLines(['', 'Ann', '9', 'two', '1']), (line) => shown.push(line))
    expect(submission.answers).toEqual([
      { id: '1', answer: 'Ann' },
      { id: '2', answer: 'billing' },
    ])
    expect(shown.filter((line) => line.startsWith('Your name'))).toHaveLength(2)
    expect(shown.filter((line) => line.startsWith('Department'))).toHaveLength(3)
    expect(shown).toContain('  an answer is required')
    expect(shown).toContain('  "9" is not one of 1–3')
  })

  test('an invalid email is asked again, then accepted', async () => {
    const submission = await answerSurvey(survey, ['Ann', '1', '', 'ann@', 'ann@example.com', ''], () => undefined)
    expect(submission.answers).toContainEqual({ id: '4', answer: 'ann@example.com' })
  })

  test('input that ends before a mandatory answer is a CliFailure naming the question', async () => {
    await expect(answerSurvey(survey, ['Ann'], () => undefined)).rejects.toThrow(CliFailure)
    await expect(answerSurvey(survey, ['Ann'], () => undefined)).rejects.toThrow(/"Department"/)
  })
})

describe('parseAnswer', () => {
  const numeric = question({ id: 'n', type: 'Text Field', validationType: 'numeric', mandatory: true })
  test.each([
    ['42', { kind: 'answer', answer: '42' }],
    ['-3.5', { kind: 'answer', answer: '-3.5' }],
    ['4x', { kind: 'invalid', reason: 'a number is expected' }],
    ['  ', { kind: 'invalid', reason: 'an answer is required' }],
  ])('numeric %j', (line, expected) => expect(parseAnswer(numeric, line)).toEqual(expected))

  test('a checkbox takes each entry once; a bad number spoils the line', () => {
    const checkbox = question({ id: 'c', type: 'Checkbox', entries })
    expect(parseAnswer(checkbox, '2,2,1')).toEqual({ kind: 'answer', answer: ['orders', 'billing'] })
    expect(parseAnswer(checkbox, '1,0')).toEqual({ kind: 'invalid', reason: '"0" is not one of 1–3' })
    expect(parseAnswer(checkbox, '')).toEqual({ kind: 'skip' })
  })

  test('alpha_numeric text is free text, kept as typed bar the edges', () => {
    expect(parseAnswer(question({ id: 't', type: 'Text Area', validationType: 'alpha_numeric' }), ' Hi, it is me! ')).toEqual({ kind: 'answer', answer: 'Hi, it is me!' })
  })
})

test('questionPrompt numbers the choices by their display values', () => {
  expect(questionPrompt(question({ id: 'r', type: 'Radio Button (side by side)', label: 'Pick', entries }))).toEqual([
    'Pick (a number, optional, empty line skips):',
    '  1. Billing',
    '  2. Orders',
    '  3. other',
  ])
  expect(questionPrompt(question({ id: 'e', type: 'Text Field', label: 'Email', validationType: 'email', mandatory: true }))).toEqual(['Email (email, required):'])
})

describe('showLogicId', () => {
  const reveals = [
    { value: 'yes', displayValue: 'Yes', checked: false, showLogicIds: ['L-order'] },
    { value: 'no', displayValue: 'No', checked: false, showLogicIds: [] },
  ]
  const conditional: Survey = {
    id: '800',
    title: undefined,
    header: undefined,
    raw: {},
    questions: [
      question({ id: '1', order: 1, type: 'Radio Button', label: 'About an order?', entries: reveals, mandatory: true }),
      question({ id: '2', order: 2, type: 'Text Field', label: 'Order number', logicId: 'L-order', mandatory: true }),
      question({ id: '3', order: 3, type: 'Text Field', label: 'Anything else', logicId: 'L-free' }),
    ],
  }

  test('a question an entry reveals is asked only after that entry was picked', async () => {
    const shown: string[] = []
    const submission = await answerSurvey(conditional, ['1', 'A-17', 'thanks'], (line) => shown.push(line))
    expect(submission.answers).toEqual([
      { id: '1', answer: 'yes' },
      { id: '2', answer: 'A-17' },
      { id: '3', answer: 'thanks' },
    ])
  })

  test('left hidden, a mandatory conditional question is neither asked nor required; a logicId no entry names is always asked', async () => {
    const shown: string[] = []
    const submission = await answerSurvey(conditional, ['2', 'thanks'], (line) => shown.push(line))
    expect(submission.answers).toEqual([
      { id: '1', answer: 'no' },
      { id: '3', answer: 'thanks' },
    ])
    expect(shown.some((line) => line.startsWith('Order number'))).toBe(false)
  })
})
