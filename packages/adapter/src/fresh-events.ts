// Which events of a page are new: the poll loop's filter, on every poll, so its usual case is cheap.
import type { LegacyEvent } from './legacy-contract.js'

/**
 * Events at or after `from`, ascending, each id once: pages may overlap or repeat.
 *
 * @internal
 */
export function freshEvents(events: readonly LegacyEvent[], from: number): readonly LegacyEvent[] {
  // The usual page (empty, or strictly ascending from `from`) needs no copy, sort or set.
  if (isFreshAscending(events, from)) return events
  const seen = new Set<number>()
  const fresh: LegacyEvent[] = []
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (event.id < from || seen.has(event.id)) continue
    seen.add(event.id)
    fresh.push(event)
  }
  return fresh
}

function isFreshAscending(events: readonly LegacyEvent[], from: number): boolean {
  let last = from - 1
  for (const event of events) {
    if (event.id <= last) return false
    last = event.id
  }
  return true
}
