#!/usr/bin/env node
// The `chatbridge-legacy-server` command: prints the account root and app key, stops on SIGINT/SIGTERM.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseServeArguments, serve } from './serve-command.js'

let args
try {
  args = parseServeArguments(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
const server = await serve(args, (line) => console.log(line))
const delay = monitorEventLoopDelay({ resolution: 5 })
if (args.stats) delay.enable()
const stop = (): void => {
  if (args.stats) {
    const ms = (ns: number): string => (ns / 1e6).toFixed(1)
    console.log(`event loop delay ms: p50 ${ms(delay.percentile(50))}  p99 ${ms(delay.percentile(99))}  max ${ms(delay.max)}`)
  }
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
