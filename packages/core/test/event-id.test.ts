// Event ids read as the documented pattern reads them, whether the digit loop or the pattern takes them.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { eventIdOf } from '../src/lenient-codecs.js'

// What the digit loop stands in for.
const reference = (input: unknown): number | undefined => {
  const value = typeof input === 'string' && /^\s*\d+\s*$/.test(input) ? Number(input) : input
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

describe('eventIdOf', () => {
  test('digits, padded digits, and what is not an id', () => {
    expect(eventIdOf('4')).toBe(4)
    expect(eventIdOf('0004')).toBe(4)
    expect(eventIdOf(' 12 ')).toBe(12)
    expect(eventIdOf('123456789012345')).toBe(123456789012345)
    expect(eventIdOf('9007199254740993')).toBeUndefined()
    for (const bad of ['', ' ', '-1', '1.5', '1e3', '4a', '٤', 4.5, -1, null, undefined]) expect(eventIdOf(bad)).toBeUndefined()
    expect(eventIdOf(7)).toBe(7)
  })

  test('agrees with the pattern on generated strings', () => {
    const digitsAndMore = fc.string({ unit: fc.constantFrom('0', '1', '9', ' ', '-', '.', 'e', 'x', '\t'), maxLength: 20 })
    fc.assert(
      fc.property(fc.oneof(digitsAndMore, fc.string({ maxLength: 20 })), (text) => {
        expect(eventIdOf(text)).toBe(reference(text))
      }),
      { numRuns: 5000 },
    )
  })
})
