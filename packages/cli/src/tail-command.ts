// `chatbridge tail`: follow an existing legacy chat and show what Messaging code would receive.
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, accountRootOf, parseNonNegativeInteger, resolveTarget, targetOptions } from './arguments.js'
import { defineCommand } from './define-command.js'

const tailUsage = `Usage: chatbridge tail <chat-uri | conversation-id> [options]

Follows an existing legacy chat and prints what the Messaging Window API would have delivered,
next to the legacy event each notification came from. Exits 0 when the conversation closes.

Options:
  --account-root <uri>  https://{domain}/api/account/{accountId} (or CHATBRIDGE_ACCOUNT_ROOT;
                        taken from the chat URI when one is given)
  --app-key <key>       the app key (or CHATBRIDGE_APP_KEY); never printed
  --format json|xml     the legacy wire format (default json)
  --from <sequence>     replay from this sequence (legacy event @id); default 0, everything
  --json                print the Messaging frames as NDJSON
  -h, --help            this help`

/** `chatbridge tail`. */
export const tailCommand = defineCommand({
  name: 'tail',
  usage: tailUsage,
  options: { ...targetOptions, from: { type: 'string' } },
  positionals: true,
  run: async ({ values, positionals }, io) => {
    const [chat, ...rest] = positionals
    if (chat === undefined || chat === '') throw new UsageError('tail: name the chat to follow: chatbridge tail <chat-uri | conversation-id>')
    if (rest.length > 0) throw new UsageError(`tail: unexpected argument ${JSON.stringify(rest[0])}`)
    const fromSeq = parseNonNegativeInteger('tail', '--from', values.from, 0)
    const target = resolveTarget('tail', values, io.env, accountRootOf(chat))
    const json = values.json === true
    // Loaded only now, so --help and flag errors answer without loading the engine.
    const { connect, untilDoneOrInterrupted } = await import('./cli-io.js')
    const { openConversation } = await import('./conversation.js')
    const { session, transcript } = connect(target, io, json)
    transcript.note(`following ${chat} from sequence ${fromSeq} (Ctrl-C stops)`)
    transcript.heading()
    return untilDoneOrInterrupted(
      io,
      session,
      async () => {
        const conversationId = await openConversation(session, { resume: chat, fromSeq })
        await session.watch(conversationId)
        return EXIT_OK
      },
      EXIT_INTERRUPTED,
    )
  },
})
