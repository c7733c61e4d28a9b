// `chatbridge chat`: a visitor's chat on a legacy account, from the terminal.
import type { LegacyChatClient, SurveySubmission } from '@chatbridge/core'
import { EXIT_INTERRUPTED, EXIT_OK, resolveTarget, targetOptions } from './arguments.js'
import type { CliIo } from './cli-io.js'
import { defineCommand } from './define-command.js'
import { statusOf } from './error-text.js'
import type { LineSource } from './line-source.js'

const chatUsage = `Usage: chatbridge chat [options]

Starts a chat on a legacy account as a visitor and sends each line you type (or pipe in).
Ctrl-D or a line /close closes the conversation; the command exits 0 once it is closed.
While you type a line the agent sees you typing (cleared when it is sent or after 3 s of quiet).

Options:
  --account-root <uri>  https://{domain}/api/account/{accountId} (or CHATBRIDGE_ACCOUNT_ROOT)
  --app-key <key>       the app key (or CHATBRIDGE_APP_KEY); never printed
  --format json|xml     the legacy wire format (default json)
  --skill <name>        the skill to ask for (Messaging skillId, sent as the legacy skill name)
  --survey              answer the account's pre-chat survey first (questions on stderr, one
                        answer a line: a number for a choice, numbers with commas for a checkbox,
                        an empty line skips an optional question; a question an answer
                        reveals through showLogicId is asked only once revealed)
  --json                print the Messaging frames as NDJSON
  -h, --help            this help`

/** `chatbridge chat`. */
export const chatCommand = defineCommand({
  name: 'chat',
  usage: chatUsage,
  options: { ...targetOptions, skill: { type: 'string' }, survey: { type: 'boolean' } },
  run: async ({ values }, io) => {
    const target = resolveTarget('chat', values, io.env)
    // Loaded only now, so --help and flag errors answer without loading the engine.
    const { connect, untilDoneOrInterrupted } = await import('./cli-io.js')
    const { openConversation, sendTypedLines } = await import('./conversation.js')
    const { LineSource } = await import('./line-source.js')
    const { client, session, transcript } = connect(target, io, values.json === true)
    const lines = new LineSource(io.stdin)
    let stopReading: (() => void) | undefined
    try {
      return await untilDoneOrInterrupted(
        io,
        session,
        async () => {
          stopReading = () => lines.close()
          const survey = values.survey === true ? await askPreChatSurvey(client, values.skill, lines, io) : undefined
          // Said after the survey: its questions come first, and typing a line before they are answered would answer them.
          transcript.note(`requesting a chat${values.skill === undefined ? '' : ` for skill ${values.skill}`}; type a line and press Enter to send it, Ctrl-D to close`)
          transcript.heading()
          const conversationId = await openConversation(session, { skill: values.skill, survey })
          stopReading = sendTypedLines(io.stdin, session, conversationId, undefined, lines)
          await session.watch(conversationId)
          return EXIT_OK
        },
        EXIT_INTERRUPTED,
      )
    } finally {
      stopReading?.()
    }
  },
})

/**
 * Reads the account's pre-chat survey and asks it on standard error. `undefined` (said so) when
 * the account has none: a 404 or a survey without questions.
 */
async function askPreChatSurvey(client: LegacyChatClient, skill: string | undefined, lines: LineSource, io: CliIo): Promise<SurveySubmission | undefined> {
  const { answerSurvey } = await import('./survey-prompt.js')
  const survey = await client.preChatSurvey(skill === undefined ? {} : { skill }).catch((error: unknown) => {
    if (statusOf(error) === 404) return undefined
    throw error
  })
  if (survey === undefined || survey.questions.length === 0) {
    io.err('no pre-chat survey is configured for this account; requesting the chat without one')
    return undefined
  }
  return answerSurvey(survey, lines.lines(), io.err)
}
