#!/usr/bin/env node
import { run } from './main.js'

// The `chatbridge` command. Ctrl-C (or SIGTERM) asks the running command to stop and clean up;
// a second one exits at once.
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
  const flag = process.argv.findIndex((arg) => arg === '--app-key' || arg.startsWith('--app-key='))
  const arg = flag < 0 ? undefined : process.argv[flag]
  const given = arg === undefined ? undefined : arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[flag + 1]
  const secrets = [process.env['CHATBRIDGE_APP_KEY'], given].filter((secret): secret is string => secret !== undefined && secret.length >= 4)
  const text = error instanceof Error ? (process.env['CHATBRIDGE_DEBUG'] === '1' ? (error.stack ?? error.message) : error.message) : String(error)
  const shown = secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text)
  process.stderr.write(`chatbridge: unexpected error: ${process.env['CHATBRIDGE_DEBUG'] === '1' ? shown : shown.replace(/\s*\n\s*/g, ' ')}\n`)
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
