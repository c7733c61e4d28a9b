// The standalone legacy chat server's one implementation: its flags, their defaults, their checks
// and the server they start. `chatbridge serve` (@chatbridge/cli) and this package's
// `chatbridge-legacy-server` are two faces of it; each adds its own output flag.
import type { ParseArgsConfig } from 'node:util'
import { parseArgs } from 'node:util'
import { autoAgent } from '../agent-script.js'
import type { LegacyChatServer } from '../server.js'
import { startLegacyChatServer } from '../server.js'

/** What a standalone legacy chat server runs with (see {@link serveFlags} for the defaults). */
export interface ServeArguments {
  /** TCP port; 0 is any free port. */
  readonly port: number
  /** Interface to listen on. */
  readonly host: string
  /** The app key clients must send; `undefined` generates one. */
  readonly appKey: string | undefined
  /** The account id in the account root. */
  readonly accountId: string
  /** `auto`: {@link autoAgent} joins each chat, echoes each line and ends on "bye"; `none`: chats wait. */
  readonly agent: 'auto' | 'none'
}

/**
 * The flags of a standalone legacy chat server, for `parseArgs`, with the one set of defaults:
 * any free port, loopback, account 12345678, a generated key, the auto agent (a server started
 * by hand is for trying a client by hand, and a chat nobody answers looks broken).
 */
export const serveFlags = {
  port: { type: 'string', default: '0' },
  host: { type: 'string', default: '127.0.0.1' },
  'account-id': { type: 'string', default: '12345678' },
  'app-key': { type: 'string' },
  agent: { type: 'string', default: 'auto' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>

/** The flag values {@link serveFlags} parses to. */
export interface ServeFlagValues {
  /** `--port`. */
  readonly port?: string | undefined
  /** `--host`. */
  readonly host?: string | undefined
  /** `--account-id`. */
  readonly 'account-id'?: string | undefined
  /** `--app-key`. */
  readonly 'app-key'?: string | undefined
  /** `--agent`. */
  readonly agent?: string | undefined
}

/**
 * Checks parsed {@link serveFlags} values. Throws an `Error` naming the flag and the bad value
 * (never the app key) on `--port` outside 0-65535 or `--agent` other than auto/none.
 */
export function serveArgumentsOf(values: ServeFlagValues): ServeArguments {
  const portText = values.port ?? serveFlags.port.default
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || !Number.isSafeInteger(port)) throw new Error(`--port must be a non-negative integer, got ${JSON.stringify(portText)}`)
  if (port > 65535) throw new Error(`--port must be 0-65535, got ${port}`)
  const agent = values.agent ?? serveFlags.agent.default
  if (agent !== 'auto' && agent !== 'none') throw new Error(`--agent must be auto or none, got ${JSON.stringify(agent)}`)
  return {
    port,
    host: values.host ?? serveFlags.host.default,
    appKey: values['app-key'],
    accountId: values['account-id'] ?? serveFlags['account-id'].default,
    agent,
  }
}

/** Starts the server the arguments describe (not yet printing anything). */
export function startServeServer(args: ServeArguments): Promise<LegacyChatServer> {
  return startLegacyChatServer({
    port: args.port,
    host: args.host,
    accountId: args.accountId,
    ...(args.appKey === undefined ? {} : { appKey: args.appKey }),
    ...(args.agent === 'auto' ? { agent: autoAgent() } : {}),
  })
}

/** The options of the `chatbridge-legacy-server` command. */
export interface LegacyServerArguments extends ServeArguments {
  /** Print event-loop delay figures on exit (for the benchmark). */
  readonly stats: boolean
}

const usage = `Usage: chatbridge-legacy-server [--port 0] [--host 127.0.0.1] [--app-key KEY] [--account-id 12345678] [--agent auto|none]

Runs a legacy visitor Chat REST API server for trying chatbridge by hand (as \`chatbridge serve\`).
  --agent auto   an agent accepts each chat after a second and echoes the visitor's lines (default)
  --agent none   chats wait
  --stats        on exit, print the event-loop delay seen while serving`

/** Parses the command line; throws an `Error` whose message includes the usage on bad input. */
export function parseServeArguments(argv: readonly string[]): LegacyServerArguments {
  const { values } = parseArgs({ args: [...argv], options: { ...serveFlags, stats: { type: 'boolean', default: false } }, strict: true })
  if (values.help === true) throw new Error(usage)
  try {
    return { ...serveArgumentsOf(values), stats: values.stats }
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`, { cause: error })
  }
}

/** Starts the server the arguments describe and prints how to reach it through `print`. */
export async function serve(args: ServeArguments, print: (line: string) => void): Promise<LegacyChatServer> {
  const server = await startServeServer(args)
  print(`account root: ${server.accountRoot}`)
  print(`app key:      ${server.appKey}`)
  print(`agent:        ${args.agent === 'auto' ? 'auto (accepts after 1 s, echoes, ends on "bye")' : 'none (chats wait)'}`)
  print('Stop with Ctrl-C.')
  return server
}
