// The pre-chat survey as `chatbridge chat --survey` asks it: what each question shows and how a
// typed line becomes an answer. Pure (lines in, prompts out), so it is tested without a terminal.
import type { Survey, SurveyAnswer, SurveyQuestion, SurveySubmission } from '@chatbridge/core'
import { CliFailure } from './arguments.js'

/** What one typed line means for a question. */
export type ParsedAnswer =
  | { readonly kind: 'answer'; readonly answer: string | readonly string[] }
  | { readonly kind: 'skip' }
  | { readonly kind: 'invalid'; readonly reason: string }

const choiceTypes = new Set(['dropdown box', 'radio button', 'radio button (side by side)'])

/** Whether the question is answered by picking entries (Dropdown, Radio, Checkbox). */
export function isChoice(question: SurveyQuestion): boolean {
  return isCheckbox(question) || choiceTypes.has(question.type.toLowerCase()) || (question.entries.length > 0 && !isText(question))
}

function isCheckbox(question: SurveyQuestion): boolean {
  return question.type.toLowerCase() === 'checkbox'
}

function isText(question: SurveyQuestion): boolean {
  return question.type.toLowerCase().startsWith('text')
}

/** The lines that ask `question`: its label, then its numbered choices or its expected form. */
export function questionPrompt(question: SurveyQuestion): string[] {
  const need = question.mandatory ? 'required' : 'optional, empty line skips'
  if (!isChoice(question)) {
    const form = question.validationType === undefined || question.validationType === 'alpha_numeric' ? '' : `${question.validationType}, `
    return [`${question.label} (${form}${need}):`]
  }
  const how = isCheckbox(question) ? 'numbers separated by commas' : 'a number'
  return [
    `${question.label} (${how}, ${need}):`,
    ...question.entries.map((entry, index) => `  ${index + 1}. ${entry.displayValue ?? entry.value}`),
  ]
}

/** What `line` answers to `question`: an answer, a skip (optional, empty), or why it is not one. */
export function parseAnswer(question: SurveyQuestion, line: string): ParsedAnswer {
  const text = line.trim()
  if (text === '') return question.mandatory ? { kind: 'invalid', reason: 'an answer is required' } : { kind: 'skip' }
  if (!isChoice(question)) {
    const reason = validationProblem(question.validationType, text)
    return reason === undefined ? { kind: 'answer', answer: text } : { kind: 'invalid', reason }
  }
  const picks = isCheckbox(question) ? text.split(',').map((part) => part.trim()) : [text]
  const values: string[] = []
  for (const pick of picks) {
    const entry = /^\d+$/.test(pick) ? question.entries[Number(pick) - 1] : undefined
    if (entry === undefined) return { kind: 'invalid', reason: `${JSON.stringify(pick)} is not one of 1–${question.entries.length}` }
    if (!values.includes(entry.value)) values.push(entry.value)
  }
  return { kind: 'answer', answer: isCheckbox(question) ? values : (values[0] ?? '') }
}

/** Why `text` fails the question's `validationType` (numeric, email, alpha_numeric), if it does. */
export function validationProblem(validationType: string | undefined, text: string): string | undefined {
  switch (validationType) {
    case 'numeric':
      return /^[+-]?\d+(\.\d+)?$/.test(text) ? undefined : 'a number is expected'
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? undefined : 'an email address is expected'
    default:
      // alpha_numeric is the legacy name for free text: anything printable passes.
      return undefined
  }
}

/**
 * The `logicId`s some entry of the survey reveals: a question with one of them is conditional,
 * shown only once an answer picks an entry whose `showLogicIds` name it (the window hides it
 * until then). Every other question is always shown.
 */
export function conditionalLogicIds(survey: Survey): ReadonlySet<string> {
  const ids = new Set<string>()
  for (const question of survey.questions) for (const entry of question.entries) for (const id of entry.showLogicIds) ids.add(id)
  return ids
}

/** The `logicId`s an answer to `question` reveals: those of the entries it picked. */
export function revealedBy(question: SurveyQuestion, answer: string | readonly string[]): readonly string[] {
  const picked = typeof answer === 'string' ? [answer] : answer
  return question.entries.filter((entry) => picked.includes(entry.value)).flatMap((entry) => entry.showLogicIds)
}

/**
 * Asks each question of `survey` in order, reading one line of `lines` per try: a mandatory
 * question is asked again until answered, an optional one is skipped on an empty line; a
 * conditional question (see {@link conditionalLogicIds}) is asked only when an earlier answer
 * revealed it. `write` shows prompts and complaints. Rejects with a {@link CliFailure} when the
 * lines end before a mandatory question is answered; an optional one unanswered at the end is skipped.
 */
export async function answerSurvey(survey: Survey, lines: AsyncIterable<string> | Iterable<string>, write: (line: string) => void): Promise<SurveySubmission> {
  const iterator = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : toAsync(lines[Symbol.iterator]())
  const answers: SurveyAnswer[] = []
  for (const title of [survey.title, survey.header]) if (title !== undefined && title !== '') write(title)
  // The survey's `order` where given; the server's order otherwise (sort is stable).
  const questions = [...survey.questions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
  const conditional = conditionalLogicIds(survey)
  const revealed = new Set<string>()
  for (const question of questions) {
    if (question.logicId !== undefined && conditional.has(question.logicId) && !revealed.has(question.logicId)) continue
    for (;;) {
      for (const line of questionPrompt(question)) write(line)
      const next = await iterator.next()
      if (next.done === true) {
        if (question.mandatory) throw new CliFailure(`chat --survey: input ended before the required question ${JSON.stringify(question.label)} was answered`)
        break
      }
      const parsed = parseAnswer(question, next.value)
      if (parsed.kind === 'invalid') {
        write(`  ${parsed.reason}`)
        continue
      }
      if (parsed.kind === 'answer') {
        answers.push({ id: question.id, answer: parsed.answer })
        for (const id of revealedBy(question, parsed.answer)) revealed.add(id)
      }
      break
    }
  }
  return { surveyId: survey.id, answers }
}

function toAsync(iterator: Iterator<string>): AsyncIterator<string> {
  return { next: () => Promise.resolve(iterator.next()) }
}
