// `node bench/dist/scale-profile.js CHATS [MODE] [FILE] [MAX_POLLS_IN_FLIGHT]`: one contender of table 2c at one N, with a CPU profile of its measurement windows.
import { loadavg } from 'node:os'
import { runScaleBench, scaleCpuRows } from './scale-bench.js'
import type { ScaleMode } from './scale-client.js'
import { SCALE_DEFAULT_JOB } from './scale-default.js'
import { printTable } from './table.js'

// Read the profile with `node bench/dist/profile-summary.js FILE [top]`. The row printed beside it
// has the GC share and the event loop utilisation of the same windows.
const chats = Number(process.argv[2] ?? '10000')
const mode = (process.argv[3] ?? 'chatbridge') as ScaleMode
const file = process.argv[4] ?? `/tmp/scale-${mode}-${chats}.cpuprofile`
const inFlight = process.argv[5] === undefined ? {} : { maxPollsInFlight: Number(process.argv[5]) }
const load = loadavg()[0] ?? 0
const results = await runScaleBench([chats], { ...SCALE_DEFAULT_JOB, ...inFlight, profileTo: file }, [mode])
printTable(`${mode} × ${chats} idle chats at the default pacing (load ${load.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after)`, scaleCpuRows(results))
console.log(`profile of the windows: ${file}`)
