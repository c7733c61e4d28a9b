import { parseArgs } from 'node:util'
import { EXIT_OK, UsageError, parseNonNegativeInteger, parsing } from './arguments.js'
import type { CliIo } from './cli-io.js'
import { interactiveAgent } from './demo-script.js'
import { loadTesting } from './load-testing.js'

/** `chatbridge serve --help`. */
export const serveUsage = `Usage: chatbridge serve [options]

Runs the scriptable legacy chat server of @chatbridge/testing on its own, for trying chatbridge
(or any legacy chat client) by hand. Stops on Ctrl-C.

Options:
  --port <n>          TCP port (default 0: any free port)
  --host <address>    interface to listen on (default 127.0.0.1)
  --account-id <id>   the account id in the account root (default 12345678)
  --app-key <key>     the app key clients must send (default: a random one, printed)
  --agent auto|none   auto: an agent joins each chat, greets, answers each line and ends on
                      "bye" (default); none: chats wait
  --json              print the account root (and a generated app key) as one JSON line
  -h, --help          this help`

/** Runs `chatbridge serve` until interrupted. */
export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsing('serve', () =>
    parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'account-id': { type: 'string' },
        'app-key': { type: 'string' },
        agent: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }),
  )
  if (values.help === true) {
    io.out(serveUsage)
    return EXIT_OK
  }
  if (positionals.length > 0) throw new UsageError(`serve: unexpected argument ${JSON.stringify(positionals[0])}`)
  const port = parseNonNegativeInteger('serve', '--port', values.port, 0)
  if (port > 65535) throw new UsageError(`serve: --port must be 0-65535, got ${port}`)
  const agent = values.agent ?? 'auto'
  if (agent !== 'auto' && agent !== 'none') throw new UsageError(`serve: --agent must be auto or none, got ${JSON.stringify(agent)}`)
  const testing = await loadTesting('serve')
  const givenKey = values['app-key']
  const server = await testing.startLegacyChatServer({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
    ...(givenKey === undefined ? {} : { appKey: givenKey }),
    ...(agent === 'auto' ? { agent: interactiveAgent(testing) } : {}),
  })
  // A key the user chose is never echoed; a generated one must be, or nobody could connect.
  const shownKey = givenKey === undefined ? server.appKey : undefined
  if (values.json === true) {
    io.out(JSON.stringify({ accountRoot: server.accountRoot, ...(shownKey === undefined ? {} : { appKey: shownKey }) }))
  } else {
    io.out(`legacy chat server listening; account root ${server.accountRoot}`)
    io.out(shownKey === undefined ? 'app key: the one you gave' : `app key: ${shownKey} (generated for this run)`)
    io.out(`agent: ${agent === 'auto' ? 'joins each chat, answers each line, ends on "bye"' : 'none (chats wait)'}`)
    io.out(`try:  CHATBRIDGE_APP_KEY=${shownKey ?? '…'} chatbridge chat --account-root ${server.accountRoot}`)
    io.out('Stop with Ctrl-C.')
  }
  await io.interrupted
  await server.close()
  return EXIT_OK
}
