import { readFileSync } from 'node:fs'
import { CliFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './arguments.js'
import { chatCommand, chatUsage } from './chat-command.js'
import type { CliIo } from './cli-io.js'
import { demoCommand, demoUsage } from './demo-command.js'
import { serveCommand, serveUsage } from './serve-command.js'
import { tailCommand, tailUsage } from './tail-command.js'

/** `chatbridge --help`. */
export const usage = `Usage: chatbridge <command> [options]

Run code written for LivePerson's Messaging Window API on the legacy visitor Chat REST API.

Commands:
  demo    play a whole conversation on an embedded legacy chat server (no account needed)
  tail    follow an existing chat by URI or conversation id
  chat    start a chat and send what you type
  serve   run the scriptable legacy chat server on its own

Common options: --account-root <uri>, --app-key <key> (or CHATBRIDGE_ACCOUNT_ROOT,
CHATBRIDGE_APP_KEY; the key is never printed), --format json|xml, --json (NDJSON frames).
Run chatbridge <command> --help for each command's options.

Exit codes: 0 done, 1 failure (unreachable or refusing server, …), 2 bad usage, 130 interrupted.`

const commands: Record<string, { readonly run: (argv: readonly string[], io: CliIo) => Promise<number>; readonly usage: string }> = {
  demo: { run: demoCommand, usage: demoUsage },
  tail: { run: tailCommand, usage: tailUsage },
  chat: { run: chatCommand, usage: chatUsage },
  serve: { run: serveCommand, usage: serveUsage },
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
    return await command.run(rest.filter((arg) => arg !== '--'), io)
  } catch (error) {
    const secrets = [io.env['CHATBRIDGE_APP_KEY'], valueOf(argv, '--app-key')].filter((s): s is string => s !== undefined && s.length >= 4)
    const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text)
    if (error instanceof UsageError) {
      const help = name !== undefined && Object.hasOwn(commands, name) ? `chatbridge ${name} --help` : 'chatbridge --help'
      io.err(scrub(`chatbridge: ${error.message} (see ${help})`))
      return EXIT_USAGE
    }
    const message = error instanceof Error ? error.message : String(error)
    const known = error instanceof CliFailure || (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string')
    io.err(scrub(`chatbridge: ${known ? '' : 'unexpected error: '}${oneLine(message)}`))
    if (io.env['CHATBRIDGE_DEBUG'] === '1' && error instanceof Error && error.stack !== undefined) io.err(scrub(error.stack))
    return EXIT_FAILURE
  }
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === flag) return argv[index + 1]
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1)
  }
  return undefined
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }
    return manifest.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
