// The small copy-on-change lists a chat keeps: removal as an exact copy, and a `Few` (none, one item itself, or an array).
import { expect, test } from 'vitest'
import { type Few, NO_ITEMS, countOf, isList, itemsOf, withItem, withoutAt, withoutItem } from '../src/exact-lists.js'

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
