// `chatbridge demo`: a whole conversation on an embedded legacy chat server, no account needed.
import type { ConnectionOptions, MessagingEventChange } from '@chatbridge/adapter'
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, parseFormat } from './arguments.js'
import type * as Conversation from './conversation.js'
import type { MessagingSession } from './messaging-session.js'
import { defineCommand } from './define-command.js'
import { demoAgent, demoAgentScript, demoVisitorLines, interactiveAgent } from './demo-script.js'

const demoUsage = `Usage: chatbridge demo [--json] [--interactive] [--format json|xml]

Plays a whole conversation on an embedded legacy chat server (from @chatbridge/testing) through
chatbridge's Messaging socket: waiting, the agent joining, typing, lines both ways (one of them
HTML), the visitor closing. Each Messaging notification is printed next to the legacy event it
came from. Exits 0 when the conversation closes.

Options:
  --json            print the Messaging frames as NDJSON instead
  --interactive     you type the visitor's lines (needs a terminal); Ctrl-D or /close closes,
                    "bye" makes the agent end the chat
  --format json|xml the legacy wire format between chatbridge and the server (default json)
  -h, --help        this help`

/** Fast pacing: the embedded server is on loopback, and the demo should take seconds. */
const demoPacing: ConnectionOptions = { chattingIntervalMs: 150, waitingIntervalMs: 200, backoffBaseMs: 100 }

/** `chatbridge demo`. */
export const demoCommand = defineCommand({
  name: 'demo',
  usage: demoUsage,
  options: { json: { type: 'boolean' }, interactive: { type: 'boolean' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  run: async ({ values }, io) => {
    const format = parseFormat('demo', values.format)
    const interactive = values.interactive === true
    if (interactive && io.stdin.isTTY !== true) throw new UsageError('demo: --interactive needs a terminal on standard input')
    const json = values.json === true

    // Loaded only now, so --help and flag errors answer without loading the server or the engine.
    const { autoAgent, startLegacyChatServer } = await import('@chatbridge/testing')
    const server = await startLegacyChatServer({ agent: interactive ? interactiveAgent(autoAgent) : demoAgentScript })
    let stopReading: (() => void) | undefined
    try {
      const { connect, untilDoneOrInterrupted } = await import('./cli-io.js')
      const conversation = await import('./conversation.js')
      const { session, transcript } = connect({ accountRoot: server.accountRoot, appKey: server.appKey, format }, io, json, demoPacing)
      transcript.note(`embedded legacy chat server at ${server.accountRoot} (${format}); agent ${demoAgent.name}, ${interactive ? 'answering you' : 'scripted'}`)
      transcript.heading()
      return await untilDoneOrInterrupted(
        io,
        session,
        async () => {
          const conversationId = await conversation.openConversation(session, { skill: 'Sales' })
          if (interactive) {
            transcript.note('type a line and press Enter to send it; "bye" makes the agent end the chat, Ctrl-D or /close closes it')
            stopReading = conversation.sendTypedLines(io.stdin, session, conversationId)
          } else {
            playVisitor(conversation, session, conversationId)
          }
          await session.watch(conversationId)
          transcript.note(
            interactive
              ? 'the conversation closed'
              : 'the conversation closed. Left: what Messaging code receives; right: the legacy calls behind it. Try --json or --interactive.',
          )
          transcript.note('the same conversation in a browser chat window, over a real Messaging WebSocket: pnpm chatbridge gateway, then open the URL it prints')
          return EXIT_OK
        },
        EXIT_INTERRUPTED,
      )
    } finally {
      stopReading?.()
      await server.close()
    }
  },
})

/**
 * The scripted visitor, written as Messaging code would be: the first line goes out at once (the
 * adapter queues it until an agent joins); each agent line gets the next visitor line; after the
 * last one the visitor closes the conversation.
 */
function playVisitor({ publishLine, sendCloseRequest }: typeof Conversation, session: MessagingSession, conversationId: string): void {
  const lines = [...demoVisitorLines]
  const send = (): void => {
    const line = lines.shift()
    if (line === undefined) return
    void publishLine(session, conversationId, line).then(() => (lines.length === 0 ? sendCloseRequest(session, conversationId) : undefined))
  }
  session.onMessaging((change: MessagingEventChange) => {
    if (change.originatorMetadata.role === 'ASSIGNED_AGENT' && change.event.type === 'ContentEvent') send()
  })
  send()
}
