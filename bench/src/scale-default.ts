// Table 2c, the scale bench at the DEFAULT pacing: N idle chats, chatbridge stretching to its ceiling, the floor and by hand on that same 3.5 s schedule.
import { type ScaleResult, runScaleBench } from './scale-bench.js'
import type { ScaleJob } from './scale-client.js'

// No line is said: every chat is idle, so chatbridge's default pacing (500 ms, ×2.5 per quiet poll,
// up to 7 × 500 = 3 500 ms) has reached its ceiling before the windows (idleMs 8 s > 500 + 1 250 +
// 3 125), and the floor and the hand-written loop poll every 3 500 ms. "On time" is judged by the
// server for all three alike: a poll is on time when it came at most 3 500 + 50 ms after the
// previous poll of its chat.

/** The job of table 2c (the same for every contender). */
export const SCALE_DEFAULT_JOB: Omit<ScaleJob, 'mode' | 'chats'> = {
  intervalMs: 3500,
  lineEveryMs: 5000,
  idleMs: 8000,
  windows: 2,
  windowMs: 7000,
  connections: 32,
  pacing: 'default',
}

/** Table 2c's title. */
export const SCALE_DEFAULT_TITLE = '2c. Scale at the default pacing: N idle chats, each polled on the same 3.5 s schedule, server in another process (median of windows)'

/** Runs table 2c at `sizes` (`execArgv` for the client processes, e.g. `--cpu-prof`). */
export function runScaleDefault(sizes: readonly number[], execArgv: readonly string[] = []): Promise<ScaleResult[]> {
  return runScaleBench(sizes, SCALE_DEFAULT_JOB, undefined, execArgv)
}
