// `chatbridge chat`: a visitor's chat on a legacy account, from the terminal.
import { EXIT_INTERRUPTED, EXIT_OK, resolveTarget, targetOptions } from './arguments.js'
import { defineCommand } from './define-command.js'

const chatUsage = `Usage: chatbridge chat [options]

Starts a chat on a legacy account as a visitor and sends each line you type (or pipe in).
Ctrl-D or a line /close closes the conversation; the command exits 0 once it is closed.
While you type a line the agent sees you typing (cleared when it is sent or after 3 s of quiet).

Options:
  --account-root <uri>  https://{domain}/api/account/{accountId} (or CHATBRIDGE_ACCOUNT_ROOT)
  --app-key <key>       the app key (or CHATBRIDGE_APP_KEY); never printed
  --format json|xml     the legacy wire format (default json)
  --skill <name>        the skill to ask for (Messaging skillId, sent as the legacy skill name)
  --json                print the Messaging frames as NDJSON
  -h, --help            this help`

/** `chatbridge chat`. */
export const chatCommand = defineCommand({
  name: 'chat',
  usage: chatUsage,
  options: { ...targetOptions, skill: { type: 'string' } },
  run: async ({ values }, io) => {
    const target = resolveTarget('chat', values, io.env)
    // Loaded only now, so --help and flag errors answer without loading the engine.
    const { connect, untilDoneOrInterrupted } = await import('./cli-io.js')
    const { openConversation, sendTypedLines } = await import('./conversation.js')
    const { session, transcript } = connect(target, io, values.json === true)
    transcript.note(`requesting a chat${values.skill === undefined ? '' : ` for skill ${values.skill}`}; type a line and press Enter to send it, Ctrl-D to close`)
    transcript.heading()
    let stopReading: (() => void) | undefined
    try {
      return await untilDoneOrInterrupted(
        io,
        session,
        async () => {
          const conversationId = await openConversation(session, { skill: values.skill })
          stopReading = sendTypedLines(io.stdin, session, conversationId)
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
