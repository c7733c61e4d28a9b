// The fast reading of event times agrees with `Date.parse` on the server's layout and everything near it.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { epochMs } from '../src/event-time.js'

const FALLBACK = -1
const reference = (time: string): number => {
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? FALLBACK : ms
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

// Dates in and out of range (month 13, day 31 of a short month, hour 24, year 0050), fractions of
// 0-4 digits, `Z`, offsets or none: the fast layout and every neighbour that must fall through.
const isoLike = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 4 }),
    dot: fc.boolean(),
    zone: fc.oneof(fc.constant('Z'), fc.constant(''), fc.constant('z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)),
  })
  .map((d) => `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}T${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}${d.dot ? `.${d.fraction}` : ''}${d.zone}`)

describe('epochMs', () => {
  test("the server's layout reads as Date.parse reads it", () => {
    expect(epochMs('2017-02-27T06:24:15.424-05:00', FALLBACK)).toBe(Date.parse('2017-02-27T06:24:15.424-05:00'))
    expect(epochMs('2024-02-29T23:59:59Z', FALLBACK)).toBe(Date.UTC(2024, 1, 29, 23, 59, 59))
    expect(epochMs('2017-02-27T06:24:15.4+01:30', FALLBACK)).toBe(Date.UTC(2017, 1, 27, 4, 54, 15, 400))
  })

  test('what is not a date gives the fallback', () => {
    expect(epochMs('', 7)).toBe(7)
    expect(epochMs('yesterday', 7)).toBe(7)
    expect(epochMs('2023-02-29T00:00:00Z', 7)).toBe(reference('2023-02-29T00:00:00Z') === FALLBACK ? 7 : reference('2023-02-29T00:00:00Z'))
  })

  test('agrees with Date.parse on generated ISO-like times, valid or not', () => {
    fc.assert(
      fc.property(isoLike, (time) => {
        expect(epochMs(time, FALLBACK)).toBe(reference(time))
      }),
      { numRuns: 5000 },
    )
  })

  test('agrees with Date.parse on other strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 32 }), (time) => {
        expect(epochMs(time, FALLBACK)).toBe(reference(time))
      }),
    )
  })

  test('times in one minute, read one after another, agree with Date.parse (the minute is kept from the read before)', () => {
    const minute = fc.record({ base: isoLike, seconds: fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 999 })), { minLength: 2, maxLength: 6 }) })
    fc.assert(
      fc.property(minute, ({ base, seconds }) => {
        for (const [second, ms] of seconds) {
          const time = `${base.slice(0, 17)}${pad(second, 2)}.${pad(ms, 3)}${base.slice(19).replace(/^\.\d*/, '')}`
          expect(epochMs(time, FALLBACK)).toBe(reference(time))
        }
      }),
      { numRuns: 2000 },
    )
    // The same minute at another offset is another instant.
    expect(epochMs('2017-02-27T06:24:15.424-05:00', FALLBACK)).toBe(Date.parse('2017-02-27T06:24:15.424-05:00'))
    expect(epochMs('2017-02-27T06:24:16.424+05:00', FALLBACK)).toBe(Date.parse('2017-02-27T06:24:16.424+05:00'))
    expect(epochMs('2017-02-27T06:24:17.424Z', FALLBACK)).toBe(Date.parse('2017-02-27T06:24:17.424Z'))
  })
})
