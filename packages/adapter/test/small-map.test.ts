import { describe, expect, test } from 'vitest'
import { SmallMap } from '../src/small-map.js'

type Step = { readonly set: [string, number] } | { readonly delete: string } | 'clear'

// Every observable answer after each step: size, each key's value and presence, the values in order.
interface MapLike {
  readonly size: number
  get(key: string): number | undefined
  has(key: string): boolean
  set(key: string, value: number): unknown
  delete(key: string): boolean
  clear(): void
  values(): Iterable<number>
  keys(): Iterable<string>
}

function run(map: MapLike, steps: readonly Step[]): unknown[] {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']
  const seen: unknown[] = []
  for (const step of steps) {
    if (step === 'clear') map.clear()
    else if ('set' in step) map.set(...step.set)
    else seen.push(map.delete(step.delete))
    seen.push(map.size, [...map.values()], [...map.keys()], keys.map((key) => [map.has(key), map.get(key)]))
  }
  return seen
}

describe('SmallMap', () => {
  const many = (from: number): Step[] => ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((key, i) => ({ set: [key, from + i] }))
  const scripts: readonly (readonly Step[])[] = [
    [{ set: ['a', 1] }, { set: ['b', 2] }, { set: ['a', 3] }, { delete: 'a' }, { delete: 'a' }, { set: ['a', 4] }, { delete: 'b' }, { delete: 'a' }],
    [...many(0), { set: ['c', 99] }, { delete: 'e' }, { set: ['e', 5] }, 'clear', { set: ['k', 1] }, ...many(10)],
    [{ set: ['a', 1] }, { set: ['b', 2] }, { set: ['c', 3] }, { delete: 'b' }, { set: ['b', 4] }, 'clear', { delete: 'a' }],
  ]

  test.each(scripts.map((script, i) => [i, script] as const))('answers as a Map does, in insertion order, below and past its flat limit (script %i)', (_, script) => {
    expect(run(new SmallMap<number>(), script)).toEqual(run(new Map<string, number>(), script))
  })

  test('values() is the list as it was: entries changed while iterating it do not show', () => {
    const map = new SmallMap<number>().set('a', 1).set('b', 2)
    const seen: number[] = []
    for (const value of map.values()) {
      seen.push(value)
      map.delete('b')
      map.set('c', 3)
    }
    expect(seen).toEqual([1, 2])
    expect(map.values()).toEqual([1, 3])
  })
})
