import { parseArgs } from 'node:util'
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, parsing, resolveTarget, targetOptions } from './arguments.js'
import type { CliIo } from './cli-io.js'
import { openConversation, sendTypedLines } from './conversation.js'

/** `chatbridge chat --help`. */
export const chatUsage = `Usage: chatbridge chat [options]

Starts a chat on a legacy account as a visitor and sends each line you type (or pipe in).
Ctrl-D or a line /close closes the conversation; the command exits 0 once it is closed.

Options:
  --account-root <uri>  https://{domain}/api/account/{accountId} (or CHATBRIDGE_ACCOUNT_ROOT)
  --app-key <key>       the app key (or CHATBRIDGE_APP_KEY); never printed
  --format json|xml     the legacy wire format (default json)
  --skill <name>        the skill to ask for (Messaging skillId, sent as the legacy skill name)
  --json                print the Messaging frames as NDJSON
  -h, --help            this help`

/** Runs `chatbridge chat`. */
export async function chatCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsing('chat', () =>
    parseArgs({ args: [...argv], options: { ...targetOptions, skill: { type: 'string' } }, strict: true, allowPositionals: true }),
  )
  if (values.help === true) {
    io.out(chatUsage)
    return EXIT_OK
  }
  if (positionals.length > 0) throw new UsageError(`chat: unexpected argument ${JSON.stringify(positionals[0])}`)
  const target = resolveTarget('chat', values, io.env)
  // Loaded only now, so --help and flag errors answer without loading the engine.
  const { connect, untilDoneOrInterrupted } = await import('./cli-io.js')
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
}
