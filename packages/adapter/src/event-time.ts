// An event's `time` as epoch milliseconds: the legacy server's one ISO layout read digit by digit, anything else through `Date.parse`.

// `Date.parse` took a quarter of the mapping's CPU on the decode bench's plain lines (one call per
// event); the server always writes `2017-02-27T06:24:15.424-05:00` (or `…Z`), which reads in a
// fraction of that. Whatever is not exactly that layout, with every field in range, goes to
// `Date.parse`, so the result is the same for every input.

const ZERO = 48

function digits(s: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i += 1) {
    const d = s.charCodeAt(i) - ZERO
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

// Days in `month` (1-12) of `year`, proleptic Gregorian as `Date` counts them.
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

// The layout `YYYY-MM-DDTHH:mm:ss[.f{1,3}](Z|±HH:MM)`, or NaN when `s` is anything else.
function readIso(s: string): number {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN
  const year = digits(s, 0, 4)
  const month = digits(s, 5, 2)
  const day = digits(s, 8, 2)
  const hour = digits(s, 11, 2)
  const minute = digits(s, 14, 2)
  const second = digits(s, 17, 2)
  // `Date.UTC` reads years 0-99 as 1900-1999; `Date.parse` does not.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN
  let at = 19
  let ms = 0
  if (s.charCodeAt(at) === 46) {
    let count = 0
    at += 1
    while (count < 3 && at < s.length) {
      const d = s.charCodeAt(at) - ZERO
      if (d < 0 || d > 9) break
      ms = ms * 10 + d
      count += 1
      at += 1
    }
    if (count === 0) return Number.NaN
    ms *= count === 1 ? 100 : count === 2 ? 10 : 1
  }
  const sign = s.charCodeAt(at)
  let offset: number
  if (sign === 90 && at + 1 === s.length) offset = 0
  else if ((sign === 43 || sign === 45) && at + 6 === s.length && s.charCodeAt(at + 3) === 58) {
    const oh = digits(s, at + 1, 2)
    const om = digits(s, at + 4, 2)
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN
    offset = (sign === 45 ? -1 : 1) * (oh * 60 + om) * 60_000
  } else return Number.NaN
  return minuteStart(year, month, day, hour, minute, offset) + second * 1000 + ms
}

// The last minute read: a page's events mostly fall in a few minutes, and `Date.UTC` was a third of a read.
let lastMinute = Number.NaN
let lastMinuteAt = Number.NaN

// The epoch milliseconds of that minute's start, at `offset`; the fields are in range.
function minuteStart(year: number, month: number, day: number, hour: number, minute: number, offset: number): number {
  // Unique per minute and offset (offsets are whole minutes within ±24 h, so under 2,880 of them).
  const key = ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 2880 + offset / 60_000 + 1440
  if (key !== lastMinute) {
    lastMinute = key
    lastMinuteAt = Date.UTC(year, month - 1, day, hour, minute) - offset
  }
  return lastMinuteAt
}

/**
 * The epoch milliseconds of an event's `time`, as `Date.parse` reads it, or `fallback` when it is
 * not a date.
 *
 * @internal
 */
export function epochMs(time: string, fallback: number): number {
  const fast = readIso(time)
  if (!Number.isNaN(fast)) return fast
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? fallback : ms
}
