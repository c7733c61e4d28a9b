// Entry of the scale bench at the DEFAULT pacing: N idle chats, chatbridge stretching to its ceiling, the floor and by hand on that same 3.5 s schedule.
import { loadavg } from 'node:os'
import { runScaleBench, scaleCpuRows } from './scale-bench.js'
import { printTable } from './table.js'

// `node bench/dist/scale-default.js [sizes, comma-separated]`. No line is said: every chat is idle,
// so chatbridge's default pacing (500 ms, ×2.5 per quiet poll, up to 7 × 500 = 3 500 ms) has
// reached its ceiling before the windows (idleMs 8 s > 500 + 1 250 + 3 125), and the floor and the
// hand-written loop poll every 3 500 ms. "On time" is judged by the server for all three alike: a
// poll is on time when it came at most 3 500 + 50 ms after the previous poll of its chat.
const sizes = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number)
const job = { intervalMs: 3500, lineEveryMs: 5000, idleMs: 8000, windows: 2, windowMs: 7000, connections: 32, pacing: 'default' as const }
const results = await runScaleBench(sizes, job)
printTable('2c. Scale at the default pacing: N idle chats, each polled on the same 3.5 s schedule, server in another process (median of windows)', scaleCpuRows(results))
console.log(`load after the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
