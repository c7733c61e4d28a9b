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
