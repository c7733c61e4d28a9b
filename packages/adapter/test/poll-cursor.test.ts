import { describe, expect, test } from 'vitest'
import { START_CURSOR, cursorHolder } from '../src/poll-cursor.js'

describe('the poll cursor', () => {
  test('is plain JSON-safe data: a store can save and load it unchanged', () => {
    const cursor = { from: 7, next: 'http://chat.test/chat/c1?from=7' }
    expect(JSON.parse(JSON.stringify(cursor))).toEqual(cursor)
    expect(JSON.parse(JSON.stringify(START_CURSOR))).toEqual({ from: 0 })
  })

  test('its holder starts where it is told and shows every commit to readers and observers', () => {
    const holder = cursorHolder({ from: 3, next: undefined })
    const seen: number[] = []
    const subscription = holder.changes$.subscribe((cursor) => seen.push(cursor.from))
    holder.set({ from: 5, next: undefined })
    expect(holder.value).toEqual({ from: 5, next: undefined })
    expect(seen).toEqual([3, 5])
    subscription.unsubscribe()
    expect(cursorHolder().value).toBe(START_CURSOR)
  })
})
