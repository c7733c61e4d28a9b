// The `chatbridge` command line as a function: picks the command, runs it, and turns every
// failure into one scrubbed line and an exit code.
import { readFileSync } from 'node:fs'
import { CliFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './arguments.js'
import type { CliIo } from './cli-io.js'
import type { Command } from './define-command.js'
import { appKeysOf, errorCodeOf, messageOf, oneLine, scrubSecrets } from './error-text.js'

/** `chatbridge --help`. */
export const usage = `Usage: chatbridge <command> [options]

Run code written for LivePerson's Messaging Window API on the legacy visitor Chat REST API.

Commands:
  demo    play a whole conversation on an embedded legacy chat server (no account needed)
  tail    follow an existing chat by URI or conversation id
  chat    start a chat and send what you type
  serve   run the scriptable legacy chat server on its own
  gateway serve the Messaging Window API over a real WebSocket, and a chat window at /

Common options: --account-root <uri>, --app-key <key> (or CHATBRIDGE_ACCOUNT_ROOT,
CHATBRIDGE_APP_KEY; the key is never printed), --format json|xml, --json (NDJSON frames).
Run chatbridge <command> --help for each command's options.

Exit codes: 0 done, 1 failure (unreachable or refusing server, …), 2 bad usage, 130 interrupted.`

// Each loaded when run: `tail` and `chat` never load the testing server that `demo` and `serve` run,
// nor the gateway.
const commands: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./demo-command.js')).demoCommand,
  tail: async () => (await import('./tail-command.js')).tailCommand,
  chat: async () => (await import('./chat-command.js')).chatCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  gateway: async () => (await import('./gateway-command.js')).gatewayCommand,
}

/**
 * Runs the `chatbridge` command line and resolves with the exit code. Every failure becomes one
 * line on standard error (`chatbridge: …`), never a stack trace (set `CHATBRIDGE_DEBUG=1` for
 * one), and the app key is scrubbed from anything printed there.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(usage)
      return name === undefined ? EXIT_USAGE : EXIT_OK
    }
    if (name === '--version' || name === '-v') {
      io.out(version())
      return EXIT_OK
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(commands).join(', ')}`)
    // `pnpm demo -- --json` passes the `--` on; no argument of ours needs it.
    return await (await command()).run(rest.filter((arg) => arg !== '--'), io)
  } catch (error) {
    const secrets = appKeysOf(argv, io.env)
    const scrub = (text: string): string => scrubSecrets(text, secrets)
    if (error instanceof UsageError) {
      const help = name !== undefined && Object.hasOwn(commands, name) ? `chatbridge ${name} --help` : 'chatbridge --help'
      io.err(scrub(`chatbridge: ${error.message} (see ${help})`))
      return EXIT_USAGE
    }
    const known = error instanceof CliFailure || errorCodeOf(error) !== undefined
    io.err(scrub(`chatbridge: ${known ? '' : 'unexpected error: '}${oneLine(messageOf(error)).trim()}`))
    if (io.env['CHATBRIDGE_DEBUG'] === '1' && error instanceof Error && error.stack !== undefined) io.err(scrub(error.stack))
    return EXIT_FAILURE
  }
}

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }
    return manifest.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
