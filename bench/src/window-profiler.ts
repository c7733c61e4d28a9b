// A V8 CPU profile of part of a run (the scale bench's measurement windows), via node:inspector: what `--cpu-prof` writes, without the setup.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

/** A started profile; `stop` writes it as a `.cpuprofile` file (readable by profile-summary.ts). */
export interface WindowProfile {
  stop(): Promise<void>
}

/**
 * Starts profiling this process's main thread, or does nothing when `file` is undefined. `--cpu-prof`
 * would also sample opening the chats and the idle warm-up, which at 10,000 chats outweigh the
 * windows being explained.
 */
export async function startWindowProfile(file: string | undefined): Promise<WindowProfile> {
  if (file === undefined) return { stop: () => Promise.resolve() }
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  // 1 ms between samples, as --cpu-prof's default.
  await session.post('Profiler.setSamplingInterval', { interval: 1000 })
  await session.post('Profiler.start')
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}
