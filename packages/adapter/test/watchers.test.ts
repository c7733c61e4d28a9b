// A connection's watchers: each starts once its chat is ready, ends once, and a start that throws is its failure.
import { describe, expect, test } from 'vitest'
import { Watchers } from '../src/watchers.js'

const log = (seen: string[]) => ({ next: (v: number) => seen.push(String(v)), error: (e: unknown) => seen.push(`error ${String(e)}`), complete: () => seen.push('complete') })

describe('Watchers', () => {
  test('a start that throws errors its observer (no unhandled rejection); a ready that rejects does too', async () => {
    const seen: string[] = []
    const watchers = new Watchers<number>()
    watchers.follow(log(seen), Promise.resolve(), () => {
      throw new Error('no feed')
    })
    watchers.follow(log(seen), Promise.reject(new Error('not yours')), () => ({ unsubscribe: () => undefined }))
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen.sort()).toEqual(['error Error: no feed', 'error Error: not yours'])
    watchers.completeAll()
    expect(seen).toHaveLength(2)
  })

  test('one stopped before its chat is ready never starts; the others complete on close', async () => {
    const seen: string[] = []
    const started: number[] = []
    const watchers = new Watchers<number>()
    const ready = Promise.resolve()
    const first = watchers.follow(log(seen), ready, () => (started.push(1), { unsubscribe: () => undefined }))
    watchers.follow(log(seen), ready, () => (started.push(2), { unsubscribe: () => undefined }))
    first.unsubscribe()
    await ready
    expect(started).toEqual([2])
    watchers.completeAll()
    expect(seen).toEqual(['complete'])
  })

  test('a stream that ends while it starts is stopped at once; nothing reaches its observer after the end', async () => {
    const seen: string[] = []
    const stopped: string[] = []
    const watchers = new Watchers<number>()
    const ready = Promise.resolve()
    watchers.follow(log(seen), ready, (observer) => {
      observer.next(1)
      observer.complete()
      observer.next(2)
      return { unsubscribe: () => stopped.push('stopped') }
    })
    await ready
    expect(seen).toEqual(['1', 'complete'])
    expect(stopped).toEqual(['stopped'])
    watchers.completeAll()
    expect(seen).toEqual(['1', 'complete'])
  })
})
