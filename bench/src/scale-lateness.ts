// What the scale bench's histograms say about late polls: how many came how late (at the server, and at the client's start of the request), and how many polls each chat made.
import type { ScaleWindow } from './scale-client.js'

/** Lateness past the interval, in ms: the edges of the ranges reported (the last is open-ended). */
const LATE_EDGES = [0, 50, 100, 200, 500, 1000, 2000] as const

/** Sums per-window histograms bucket by bucket. */
export function sumHistograms(histograms: readonly (readonly number[])[]): number[] {
  const sum: number[] = []
  for (const counts of histograms) counts.forEach((n, i) => (sum[i] = (sum[i] ?? 0) + n))
  return sum
}

/**
 * Shares of a gap histogram (buckets of `bucketMs`): early (more than 100 ms before the interval),
 * about on the interval, and late by each range of {@link LATE_EDGES}, as `label share` pairs.
 */
export function gapShares(counts: readonly number[], bucketMs: number, intervalMs: number): Array<[string, number]> {
  const total = counts.reduce((a, b) => a + b, 0)
  const ranges: Array<[string, number, number]> = [
    ['< interval−500', 0, intervalMs - 500],
    ['interval−500…−100', intervalMs - 500, intervalMs - 100],
    ['±100', intervalMs - 100, intervalMs],
  ]
  LATE_EDGES.forEach((edge, i) => {
    const next = LATE_EDGES[i + 1]
    ranges.push([next === undefined ? `+${edge}…` : `+${edge}…${next}`, intervalMs + edge, next === undefined ? Number.POSITIVE_INFINITY : intervalMs + next])
  })
  return ranges.map(([label, from, to]) => {
    let n = 0
    counts.forEach((count, i) => {
      const at = i * bucketMs
      if (at >= from && at < to) n += count
    })
    return [label, total === 0 ? 0 : n / total]
  })
}

/** The `p` quantile of a histogram, as the lower edge of its bucket, ms. */
export function histogramQuantile(counts: readonly number[], bucketMs: number, p: number): number {
  const total = counts.reduce((a, b) => a + b, 0)
  let seen = 0
  for (let i = 0; i < counts.length; i += 1) {
    seen += counts[i] ?? 0
    if (seen > total * p) return i * bucketMs
  }
  return counts.length * bucketMs
}

/**
 * How even a window's arrivals were: polls per `bucketMs` as mean, min and max (the last, partial
 * bucket left out). Chats polling in step show a max well above the mean, every interval.
 */
export function arrivalSpread(counts: readonly number[], bucketMs: number): string {
  const whole = counts.slice(0, -1)
  if (whole.length === 0) return 'no arrivals'
  const mean = whole.reduce((a, b) => a + b, 0) / whole.length
  return `polls per ${bucketMs} ms at the server: mean ${mean.toFixed(0)} · min ${Math.min(...whole)} · max ${Math.max(...whole)} (max/mean ${(Math.max(...whole) / Math.max(1, mean)).toFixed(2)})`
}

function line(label: string, shares: Array<[string, number]>): string {
  return `  ${label}: ${shares.map(([name, share]) => `${name} ${(share * 100).toFixed(1)}%`).join(' · ')}`
}

/** Lines describing the windows' lateness, for a terminal. */
export function lateness(windows: readonly ScaleWindow[], intervalMs: number): string[] {
  const bucketMs = windows[0]?.gaps.bucketMs ?? 25
  const server = sumHistograms(windows.map((w) => w.gaps.counts))
  const out = [line('server gaps', gapShares(server, bucketMs, intervalMs))]
  out.push(`  server gap p50 ${histogramQuantile(server, bucketMs, 0.5)} · p90 ${histogramQuantile(server, bucketMs, 0.9)} · p99 ${histogramQuantile(server, bucketMs, 0.99)} ms`)
  out.push(...windows.map((w, i) => `  window ${i + 1}: ${arrivalSpread(w.arrivals.counts, w.arrivals.bucketMs)}`))
  const perChat = sumHistograms(windows.map((w) => w.pollsPerChat))
  out.push(`  polls per chat per window (chats): ${perChat.map((n, i) => `${i}: ${n}`).filter((_, i) => (perChat[i] ?? 0) > 0).join(' · ')}`)
  const traced = windows.flatMap((w) => (w.trace === undefined ? [] : [w.trace]))
  if (traced.length > 0) {
    const starts = sumHistograms(traced.map((t) => t.startGaps))
    const durations = sumHistograms(traced.map((t) => t.durations))
    out.push(line('client start gaps', gapShares(starts, bucketMs, intervalMs)))
    out.push(`  request duration p50 ${histogramQuantile(durations, bucketMs, 0.5)} · p90 ${histogramQuantile(durations, bucketMs, 0.9)} · p99 ${histogramQuantile(durations, bucketMs, 0.99)} ms (bucket ${bucketMs} ms)`)
  }
  return out
}
