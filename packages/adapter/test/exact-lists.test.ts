// The small copy-on-change lists a chat keeps: removal as an exact copy, and a `Few` (none, one item itself, or an array).
import { expect, test } from 'vitest'
import { type Few, NO_ITEMS, countOf, firstOf, has, isList, itemsOf, withItem, withoutAt, withoutItem } from '../src/exact-lists.js'

test('withoutAt removes only the element at the index, in order, from a copy; a negative index copies all', () => {
  const list = ['a', 'b', 'c'] as const
  expect(withoutAt(list, 0)).toEqual(['b', 'c'])
  expect(withoutAt(list, 1)).toEqual(['a', 'c'])
  expect(withoutAt(list, 2)).toEqual(['a', 'b'])
  const copy = withoutAt(list, -1)
  expect(copy).toEqual(['a', 'b', 'c'])
  expect(copy).not.toBe(list)
  expect(list).toEqual(['a', 'b', 'c'])
})

test('a Few is the item itself while it has one, an array of exactly its items otherwise, in order; a walked one never changes', () => {
  const [a, b, c] = [{ n: 'a' }, { n: 'b' }, { n: 'c' }]
  let few: Few<{ n: string }> = NO_ITEMS
  few = withItem(few, a)
  expect(few).toBe(a)
  expect([isList(few), countOf(few), itemsOf(few)]).toEqual([false, 1, [a]])
  few = withItem(few, b)
  const walked = few
  few = withItem(few, c)
  expect(few).toEqual([a, b, c])
  expect(walked).toEqual([a, b])
  expect(withoutItem(few, { n: 'a' })).toBe(few)
  few = withoutItem(few, b)
  expect(few).toEqual([a, c])
  few = withoutItem(few, a)
  expect(few).toBe(c)
  expect(withoutItem(few, a)).toBe(c)
  few = withoutItem(few, c)
  expect([few, countOf(few)]).toEqual([NO_ITEMS, 0])
  // The same item twice is two entries, and one removal takes the first.
  expect(withoutItem(withItem(withItem(NO_ITEMS, a), a), a)).toBe(a)
})

test('strings too: one kept as itself, two or more as an array; unique adds, first, has; removal goes back the same way', () => {
  const one = withItem(NO_ITEMS, 'a')
  expect(one).toBe('a')
  const two = withItem(one, 'b')
  expect(two).toEqual(['a', 'b'])
  expect(withItem(two, 'a', true)).toBe(two)
  expect(withItem(two, 'a')).toEqual(['a', 'b', 'a'])
  expect([countOf(NO_ITEMS), countOf(one), countOf(two)]).toEqual([0, 1, 2])
  expect([firstOf(NO_ITEMS), firstOf(one), firstOf(two)]).toEqual([undefined, 'a', 'a'])
  expect([has(one, 'a'), has(one, 'b'), has(two, 'b'), has(NO_ITEMS, 'a')]).toEqual([true, false, true, false])
  expect([itemsOf(NO_ITEMS), itemsOf(one), itemsOf(two)]).toEqual([[], ['a'], ['a', 'b']])
  expect(withoutItem(two, 'a')).toBe('b')
  expect(withoutItem(withItem(two, 'c'), 'b')).toEqual(['a', 'c'])
  expect(withoutItem(one, 'a')).toBe(NO_ITEMS)
  expect(withoutItem(one, 'z')).toBe(one)
  expect(withoutItem(two, 'z')).toBe(two)
})
