// `chatbridge serve`: the standalone legacy chat server of @chatbridge/testing (the same one as its
// `chatbridge-legacy-server`), printed for a CLI user: the generated key shown, a given one never.
import { serveArgumentsOf, serveFlags, startServeServer } from '@chatbridge/testing'
import { EXIT_OK, UsageError } from './arguments.js'
import { defineCommand } from './define-command.js'
import { messageOf } from './error-text.js'

const serveUsage = `Usage: chatbridge serve [options]

Runs the scriptable legacy chat server of @chatbridge/testing on its own, for trying chatbridge
(or any legacy chat client) by hand. Stops on Ctrl-C.

Options:
  --port <n>          TCP port (default 0: any free port)
  --host <address>    interface to listen on (default 127.0.0.1)
  --account-id <id>   the account id in the account root (default 12345678)
  --app-key <key>     the app key clients must send (default: a random one, printed)
  --agent auto|none   auto: an agent joins each chat, answers each line and ends on "bye"
                      (default); none: chats wait
  --json              print the account root (and a generated app key) as one JSON line
  -h, --help          this help`

/** `chatbridge serve`, until interrupted. */
export const serveCommand = defineCommand({
  name: 'serve',
  usage: serveUsage,
  options: { ...serveFlags, json: { type: 'boolean' } },
  run: async ({ values }, io) => {
    let args
    try {
      args = serveArgumentsOf(values)
    } catch (error) {
      throw new UsageError(`serve: ${messageOf(error)}`)
    }
    const server = await startServeServer(args)
    // A key the user chose is never echoed; a generated one must be, or nobody could connect.
    const shownKey = args.appKey === undefined ? server.appKey : undefined
    if (values.json === true) {
      io.out(JSON.stringify({ accountRoot: server.accountRoot, ...(shownKey === undefined ? {} : { appKey: shownKey }) }))
    } else {
      io.out(`legacy chat server listening; account root ${server.accountRoot}`)
      io.out(shownKey === undefined ? 'app key: the one you gave' : `app key: ${shownKey} (generated for this run)`)
      io.out(`agent: ${args.agent === 'auto' ? 'joins each chat, answers each line, ends on "bye"' : 'none (chats wait)'}`)
      io.out(`try:  CHATBRIDGE_APP_KEY=${shownKey ?? '…'} chatbridge chat --account-root ${server.accountRoot}`)
      io.out('Stop with Ctrl-C.')
    }
    await io.interrupted
    await server.close()
    return EXIT_OK
  },
})
