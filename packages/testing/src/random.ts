// Seeded randomness for reproducible servers and recordings: the PRNG, and the ids drawn from it.
import { randomBytes } from 'node:crypto'

/** A source of uniformly distributed numbers in [0, 1). */
export type RandomSource = () => number

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence, which keeps recordings stable. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seed from the OS's random source. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0)
}

/** `length` hex digits drawn from `random`. */
export function randomHex(random: RandomSource, length: number): string {
  let out = ''
  while (out.length < length) out += Math.floor(random() * 0x10000).toString(16).padStart(4, '0')
  return out.slice(0, length)
}

/** `length` decimal digits drawn from `random`, the first one non-zero. */
export function randomDigits(random: RandomSource, length: number): string {
  let out = String(1 + Math.floor(random() * 9))
  while (out.length < length) out += String(Math.floor(random() * 10))
  return out
}

/** Fixed ids a chat reports in `info`, drawn when the chat starts. */
export interface ChatIds {
  readonly visitorId: number
  readonly rtSessionId: number
  readonly skillId: number
}

/** The ids of a new chat: a 16-digit visitor id and a 10-digit session id from `random`, and the skill's id. */
export function drawChatIds(random: RandomSource, skillId: number): ChatIds {
  return { visitorId: Number(randomDigits(random, 16)), rtSessionId: Number(randomDigits(random, 10)), skillId }
}

/** A chat id shaped like the real ones: `H` + 19 digits + `-` + 32 hex + `K` + 7 digits. */
export function newChatId(random: RandomSource): string {
  return `H${randomDigits(random, 19)}-${randomHex(random, 32)}K${randomDigits(random, 7)}`
}
