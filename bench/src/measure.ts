/** Statistics of repeated runs: medians, and how noisy the runs were. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  /** (max − min) / median: 0.05 means the runs spread over 5% of the median. */
  readonly spread: number
  readonly runs: number
}

/** Summarises samples. */
export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
  const min = sorted[0] ?? 0
  const max = sorted[sorted.length - 1] ?? 0
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median, runs: sorted.length }
}

/**
 * Runs `fn` repeatedly for at least `minMs` (and at least once) and returns the mean time of one
 * call in milliseconds. Short work is batched so the clock's resolution does not dominate.
 */
export function timePerCall(fn: () => void, minMs: number): number {
  let calls = 0
  const start = performance.now()
  let elapsed: number
  do {
    fn()
    calls += 1
    elapsed = performance.now() - start
  } while (elapsed < minMs)
  return elapsed / calls
}

/** Formats a number for a table: thousands separators, `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** Formats a ratio as `0.62×`. */
export function ratio(value: number): string {
  return `${value.toFixed(2)}×`
}

/** Formats a spread as a percentage. */
export function pct(value: number): string {
  return `±${(value * 50).toFixed(1)}%`
}

/** Formats a share as a percentage: `99.2%`. */
export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`
}

/**
 * Runs `fn` repeatedly for at least `minMs` of wall time (and at least once) and returns the mean
 * CPU time of one call in microseconds, as `process.cpuUsage` counts it (this process, every
 * thread: the garbage collector's helpers included).
 */
export function cpuPerCall(fn: () => void, minMs: number): number {
  let calls = 0
  const start = performance.now()
  const cpu = process.cpuUsage()
  do {
    fn()
    calls += 1
  } while (performance.now() - start < minMs)
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / calls
}
