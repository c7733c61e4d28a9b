import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { decodeRows, runDecodeBench } from './decode-bench.js'
import { printTable } from './table.js'
import { runTransportBench, transportRows } from './transport-bench.js'

/**
 * `pnpm bench [--quick]`: every figure beside its baseline measured in the same run, as tables,
 * and as `bench/results.json`.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const machine = { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', quick, date: new Date().toISOString() }
  console.log(`chatbridge benchmarks — Node ${machine.node}, ${machine.cores} cores (${machine.cpu})${quick ? ', quick mode' : ''}`)

  const decode = runDecodeBench(quick ? [10, 1000, 100_000] : [10, 1000, 100_000], quick ? 3 : 7, quick ? 100 : 300)
  printTable('1. Decode: events/s through chatbridge vs just parsing the same bytes (median of runs)', decodeRows(decode))

  const transport = await runTransportBench(quick ? 2000 : 10_000, quick ? 3 : 5)
  printTable('4. Transport: client CPU per poll of the chat resource, server in another process', transportRows(transport))

  const results = { machine, decode, transport }
  writeFileSync(new URL('../results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
  console.log('\nwritten: bench/results.json')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
