#!/usr/bin/env node
// The `chatbridge` executable: wires the process (signals, standard streams, last-resort errors)
// to `run`. Ctrl-C (or SIGTERM) asks the running command to stop and clean up;
// a second one exits at once.
import { appKeysOf, messageOf, oneLine, scrubSecrets } from './error-text.js'
import { run } from './main.js'

const interrupted = new Promise<void>((resolve) => {
  const stop = (): void => {
    resolve()
    process.once('SIGINT', () => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
})

// A reader that stops early (`chatbridge tail … | head`) is not a failure of ours: exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}

// A bug of ours must not print a stack either (CHATBRIDGE_DEBUG=1 shows it), nor the app key.
const lastResort = (error: unknown): void => {
  const debug = process.env['CHATBRIDGE_DEBUG'] === '1'
  const text = error instanceof Error && debug ? (error.stack ?? error.message) : messageOf(error)
  const shown = scrubSecrets(text, appKeysOf(process.argv.slice(2), process.env))
  process.stderr.write(`chatbridge: unexpected error: ${debug ? shown : oneLine(shown)}\n`)
  process.exit(1)
}
process.on('uncaughtException', lastResort)
process.on('unhandledRejection', lastResort)

const code = await run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  interrupted,
})
process.exitCode = code
// Everything is closed by now; a handle someone else left open must not keep the command alive.
setTimeout(() => process.exit(code), 1000).unref()
