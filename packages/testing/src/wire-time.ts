// Times as the legacy service writes them (ISO-8601 with milliseconds and a numeric offset).

/**
 * Formats `ms` (epoch milliseconds) like the service: ISO-8601 with milliseconds and a numeric
 * offset, e.g. `2017-02-27T06:24:15.424-05:00`. `offsetMinutes` is the zone's offset from UTC.
 */
export function formatWireTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${local}${sign}${hh}:${mm}`
}
