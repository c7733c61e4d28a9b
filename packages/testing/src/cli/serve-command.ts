// The `chatbridge-legacy-server` command's parsing and start-up, apart from the process wiring in serve.ts.
import { parseArgs } from 'node:util'
import { autoAgent } from '../agent-script.js'
import type { LegacyChatServer } from '../server.js'
import { startLegacyChatServer } from '../server.js'

/** The options of the `chatbridge-legacy-server` command. */
export interface ServeArguments {
  readonly port: number
  readonly host: string
  readonly appKey: string | undefined
  readonly accountId: string
  readonly agent: 'auto' | 'none'
  /** Print event-loop delay figures on exit (for the benchmark). */
  readonly stats: boolean
}

const usage = `Usage: chatbridge-legacy-server [--port 0] [--host 127.0.0.1] [--app-key KEY] [--account-id 12345678] [--agent auto|none]

Runs a legacy visitor Chat REST API server for trying chatbridge by hand.
  --agent auto   an agent accepts each chat after a second and echoes the visitor's lines (default: none)
  --stats        on exit, print the event-loop delay seen while serving`

/** Parses the command line; throws an `Error` whose message includes the usage on bad input. */
export function parseServeArguments(argv: readonly string[]): ServeArguments {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'app-key': { type: 'string' },
      'account-id': { type: 'string', default: '12345678' },
      agent: { type: 'string', default: 'none' },
      stats: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) throw new Error(usage)
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535\n\n${usage}`)
  if (values.agent !== 'auto' && values.agent !== 'none') throw new Error(`--agent must be auto or none\n\n${usage}`)
  return { port, host: values.host, appKey: values['app-key'], accountId: values['account-id'], agent: values.agent, stats: values.stats }
}

/** Starts the server the arguments describe and prints how to reach it through `print`. */
export async function serve(args: ServeArguments, print: (line: string) => void): Promise<LegacyChatServer> {
  const server = await startLegacyChatServer({
    port: args.port,
    host: args.host,
    accountId: args.accountId,
    ...(args.appKey === undefined ? {} : { appKey: args.appKey }),
    ...(args.agent === 'auto' ? { agent: autoAgent() } : {}),
  })
  print(`account root: ${server.accountRoot}`)
  print(`app key:      ${server.appKey}`)
  print(`agent:        ${args.agent === 'auto' ? 'auto (accepts after 1 s, echoes, ends on "bye")' : 'none (chats wait)'}`)
  print('Stop with Ctrl-C.')
  return server
}
