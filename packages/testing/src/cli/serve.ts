#!/usr/bin/env node
import { parseServeArguments, serve } from './serve-command.js'

// The `chatbridge-legacy-server` command: prints the account root and app key, stops on SIGINT/SIGTERM.
let args
try {
  args = parseServeArguments(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
const server = await serve(args, (line) => console.log(line))
const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
