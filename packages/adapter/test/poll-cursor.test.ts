import { describe, expect, test } from 'vitest'
import { START_CURSOR, cursorHolder, keptNext } from '../src/poll-cursor.js'

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

  test('keeps no next link that reading from `from` asks for anyway, and every other one as sent', () => {
    const chat = 'http://chat.test/api/account/1/chat/H1'
    expect(keptNext(`${chat}?from=12`, chat, 12)).toBeUndefined()
    expect(keptNext(`${chat}?from=12`, chat, 13)).toBe(`${chat}?from=12`)
    expect(keptNext(`${chat}?from=12&t=x`, chat, 12)).toBe(`${chat}?from=12&t=x`)
    expect(keptNext(`${chat}/x?from=1`, chat, 1)).toBe(`${chat}/x?from=1`)
    expect(keptNext(`${chat}?v=1&from=12`, `${chat}?v=1`, 12)).toBe(`${chat}?v=1&from=12`)
    expect(keptNext(`${chat}?from=12`, undefined, 12)).toBe(`${chat}?from=12`)
    expect(keptNext(undefined, chat, 12)).toBeUndefined()
  })
})
