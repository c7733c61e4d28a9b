/**
 * Reading request frames: text in, a {@link RequestFrame} or the reason there is none, and the
 * fields of a request body. Every field is hostile input until read here.
 */
import { AdapterError } from '../adapter-error.js'
import type { ConversationRequest, RequestFrame, RequestId } from '../messaging-types.js'
import { authenticatedVisitorField, surveyField } from './journey-fields.js'

/** A frame's text, read: a request, a frame that can be answered (it has an id) with a 400, or neither. */
export type ParsedFrame =
  | { readonly kind: 'request'; readonly request: RequestFrame }
  | { readonly kind: 'answerable'; readonly id: RequestId; readonly message: string }
  | { readonly kind: 'unanswerable'; readonly error: AdapterError }

/** Reads one frame's text. */
export function parseFrame(text: string): ParsedFrame {
  let frame: unknown
  try {
    frame = JSON.parse(text)
  } catch {
    return { kind: 'unanswerable', error: new AdapterError('E_BAD_REQUEST', 'a frame that is not JSON was sent; no response is possible without an id') }
  }
  const request = asRequest(frame)
  if (request !== undefined) return { kind: 'request', request }
  const id = typeof frame === 'object' && frame !== null ? (frame as { id?: unknown }).id : undefined
  if (typeof id === 'string' || typeof id === 'number') return { kind: 'answerable', id, message: 'not a request frame: expected { kind: "req", id, type, body }' }
  return { kind: 'unanswerable', error: new AdapterError('E_BAD_REQUEST', 'a frame without an id was sent; no response is possible') }
}

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

/** A request's body as a record; `{}` when it is not an object. */
export function requestBody(request: RequestFrame): Record<string, unknown> {
  return (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
}

/** A request body's `dialogId` (or `conversationId`), when it is a non-empty string. */
export function dialogIdOf(body: Record<string, unknown>): string | undefined {
  const dialogId = body['dialogId'] ?? body['conversationId']
  return typeof dialogId === 'string' && dialogId !== '' ? dialogId : undefined
}

/**
 * A conversation request from a `cm.ConsumerRequestConversation` body: the fields Messaging
 * documents, and chatbridge's `survey` and `authenticatedVisitor` (throws `E_BAD_REQUEST` when malformed).
 */
export function conversationRequest(body: Record<string, unknown>): ConversationRequest {
  const skillId = body['skillId']
  const campaign = body['campaignInfo']
  const context = body['conversationContext']
  const survey = surveyField(body['survey'])
  const authenticatedVisitor = authenticatedVisitorField(body['authenticatedVisitor'])
  return {
    ...(survey === undefined ? {} : { survey }),
    ...(authenticatedVisitor === undefined ? {} : { authenticatedVisitor }),
    ...(typeof skillId === 'string' || typeof skillId === 'number' ? { skillId: String(skillId) } : {}),
    ...(typeof campaign === 'object' && campaign !== null ? { campaignInfo: campaign } : {}),
    ...(typeof context === 'object' && context !== null ? { conversationContext: context } : {}),
  }
}

/** `{ [key]: value }` when `value` is a string, else `{}` (for `exactOptionalPropertyTypes`). */
export function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string }
}
