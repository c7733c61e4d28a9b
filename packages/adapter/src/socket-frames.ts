import { AdapterError } from './adapter-error.js'
import type { ConversationRequest } from './connection.js'
import { errorFacts } from './legacy-contract.js'
import type { RequestFrame } from './messaging-types.js'

/** The request frame in `frame`, or `undefined` when it is not `{ kind: 'req', id, type }`. */
export function asRequest(frame: unknown): RequestFrame | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined
  const record = frame as Record<string, unknown>
  const id = record['id']
  if (record['kind'] !== 'req' || typeof record['type'] !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return undefined
  return {
    kind: 'req',
    id,
    type: record['type'],
    ...(record['body'] === undefined ? {} : { body: record['body'] }),
    ...(Array.isArray(record['headers']) ? { headers: record['headers'] as unknown[] } : {}),
  }
}

/** A conversation request from a `cm.ConsumerRequestConversation` body, reading only the fields Messaging documents. */
export function conversationRequest(body: Record<string, unknown>): ConversationRequest {
  const skillId = body['skillId']
  const campaign = body['campaignInfo']
  const context = body['conversationContext']
  return {
    ...(typeof skillId === 'string' || typeof skillId === 'number' ? { skillId: String(skillId) } : {}),
    ...(typeof campaign === 'object' && campaign !== null ? { campaignInfo: campaign } : {}),
    ...(typeof context === 'object' && context !== null ? { conversationContext: context } : {}),
  }
}

/** `{ [key]: value }` when `value` is a string, else `{}` (for `exactOptionalPropertyTypes`). */
export function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string }
}

/** The response code for a failed command: 400 for refused requests, the legacy 4xx, else 500. */
export function statusOf(error: unknown): number {
  if (error instanceof AdapterError) {
    if (error.code === 'E_BAD_REQUEST' || error.code === 'E_NOT_SENT' || error.code === 'E_CLOSED') return 400
    const status = errorFacts(error.cause).status
    if (status !== undefined && status >= 400 && status < 500) return status
  }
  return 500
}

/** A failure's message for a response body; core and adapter messages never hold the app key. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'internal error'
}
