// What a consumer socket reads of frames and errors: pure decisions, no socket in sight.
import type { RawData } from 'ws'
import { CloseCode } from './close-codes.js'
import { GatewayError } from './gateway-error.js'

/** The close code for a session's error: token refusals pick theirs, anything else is a server error. */
export function closeCodeOf(error: Error): number {
  if (!(error instanceof GatewayError)) return CloseCode.internalError
  if (error.code === 'E_TOKEN_EXPIRED') return CloseCode.tokenExpired
  if (error.code === 'E_IDENTITY_EXPIRED') return CloseCode.identityExpired
  return CloseCode.policyViolation
}

/** The request id of a frame, read for the 429 answer only; `null` when there is none. */
export function requestIdOf(text: string): string | number | null {
  try {
    const frame: unknown = JSON.parse(text)
    const id = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>)['id'] : undefined
    return typeof id === 'string' || typeof id === 'number' ? id : null
  } catch {
    return null
  }
}

/** A text frame's text, whatever buffers `ws` gave it in. */
export function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')
}
