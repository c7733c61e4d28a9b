import { readFileSync } from 'node:fs'
import nock from 'nock'
import { afterEach, beforeAll, afterAll, expect } from 'vitest'
import { ChatBridgeError } from '@chatbridge/core'

/** The origin the seed fixtures use; nock answers for it, nothing goes on the wire. */
export const ORIGIN = 'https://va.chat.example'
export const ROOT = `${ORIGIN}/api/account/12345678`
export const CHAT_ID = 'H3079121553394024223-70f331aba40b4ae58fe9e1af832e31b9K8388834'
export const CHAT_URI = `${ROOT}/chat/${CHAT_ID}`
/** Shaped like a real key so a leak would be visible in any string. */
export const APP_KEY = 'f00dfeedc0ffee4b1d5eed0ddba11ad5'

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
}

/** Blocks real connections for the file and checks every interceptor was used. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect()
    nock.enableNetConnect('127.0.0.1')
  })
  afterEach(() => {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    if (pending.length > 0) throw new Error(`unused interceptors: ${pending.join(', ')}`)
  })
  afterAll(() => {
    nock.enableNetConnect()
  })
}

/** Asserts the app key appears nowhere in an error: message, stack, JSON, or cause chain. */
export function leakedKey(error: unknown, key = APP_KEY): boolean {
  if (!(error instanceof Error)) return String(error).includes(key)
  const parts = [error.message, error.stack ?? '', JSON.stringify(error), String(error)]
  let cause: unknown = error.cause
  for (let depth = 0; cause instanceof Error && depth < 5; depth += 1, cause = cause.cause) {
    parts.push(cause.message, cause.stack ?? '')
  }
  return parts.some((part) => part.includes(key))
}

/** Awaits a promise that must reject with a ChatBridgeError free of the app key, and returns it. */
export async function typedFailure(promise: Promise<unknown>): Promise<ChatBridgeError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ChatBridgeError)
  expect(leakedKey(error)).toBe(false)
  return error as ChatBridgeError
}
