// The entry's short lists: none, the one item itself, or an exact array of two or more.
import { expect, test } from 'vitest'
import { NONE, countOf, firstOf, has, itemsOf, withItem, withoutItem } from '../src/few.js'

test('one item is kept as itself, two or more as an array; removal goes back the same way', () => {
  const one = withItem(NONE, 'a')
  expect(one).toBe('a')
  const two = withItem(one, 'b')
  expect(two).toEqual(['a', 'b'])
  expect(withItem(two, 'a', true)).toBe(two)
  expect(withItem(two, 'a')).toEqual(['a', 'b', 'a'])
  expect([countOf(NONE), countOf(one), countOf(two)]).toEqual([0, 1, 2])
  expect([firstOf(NONE), firstOf(one), firstOf(two)]).toEqual([undefined, 'a', 'a'])
  expect([has(one, 'a'), has(one, 'b'), has(two, 'b'), has(NONE, 'a')]).toEqual([true, false, true, false])
  expect([itemsOf(NONE), itemsOf(one), itemsOf(two)]).toEqual([[], ['a'], ['a', 'b']])
  expect(withoutItem(two, 'a')).toBe('b')
  expect(withoutItem(withItem(two, 'c'), 'b')).toEqual(['a', 'c'])
  expect(withoutItem(one, 'a')).toBe(NONE)
  expect(withoutItem(one, 'z')).toBe(one)
  expect(withoutItem(two, 'z')).toBe(two)
})
