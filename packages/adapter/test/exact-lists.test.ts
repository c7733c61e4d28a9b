// Removal from a small copy-on-change list: a new list without that one element, the original untouched.
import { expect, test } from 'vitest'
import { withoutAt } from '../src/exact-lists.js'

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
