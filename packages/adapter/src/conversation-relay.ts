// The ConversationRelay port: how the process holding a chat's lease shares its pages with the other processes, and runs their commands.
import { AdapterError } from './adapter-error.js'
import { RequestRefusedError } from './requests/request-refused-error.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import type { ConversationField, MessagingEvent } from './messaging-types.js'

/**
 * One page the lease holder's poll loop produced, as plain JSON: the events new at `from` (the
 * holder's cursor before the poll) and the info that came with them. A follower that has read the
 * chat up to `from` (or further) misses nothing by applying it; one that has read less has a gap.
 */
export interface RelayPage {
  /** The holder's cursor `from` before this page: every new event of the chat at or after it is in `events`. */
  readonly from: number
  /** The page's new events, ascending `@id`. */
  readonly events: readonly LegacyEvent[]
  /** The chat's info as this page read it. */
  readonly info: LegacyInfo | undefined
  /**
   * The holder's poll loop stopped for good after this page: the chat `ended`, or it is `gone`
   * (404, or its server silent past `chatTimeout`). Followers stop too; absent on ordinary pages.
   */
  readonly stop?: 'ended' | 'gone' | undefined
}

/** A page and where it is in the conversation's stream (pass `position` to the next read). */
export interface RelayEntry {
  /** Opaque, ordered position of the page in the stream (a Redis stream id). */
  readonly position: string
  readonly page: RelayPage
}

/** A follower's command, run by the lease holder's `Connection`. */
export type RelayCommand =
  | { readonly kind: 'publishEvent'; readonly event: MessagingEvent }
  | { readonly kind: 'close' }
  | { readonly kind: 'updateConversationField'; readonly field: ConversationField | readonly ConversationField[] }
  | { readonly kind: 'setVisitorName'; readonly name: string }

/** A failure as the holder answered it: enough to answer a socket the same as the holder would. */
export interface RelayFailure {
  readonly name: string
  readonly code: string | undefined
  readonly message: string
  /** A refused request's status (`RequestRefusedError`). */
  readonly status?: number | undefined
  /** A refused request's response body. */
  readonly body?: unknown
}

/** The holder's answer to a {@link RelayCommand}: the command's result (`{ sequence }` for a line) or its failure. */
export type RelayAnswer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: RelayFailure }

/** Runs a follower's command on the holder; a rejection is answered as a {@link RelayFailure}. */
export type RelayHandler = (command: RelayCommand) => Promise<unknown>

/**
 * How processes share a conversation polled by one of them (`ConnectionOptions.relay`): the lease
 * holder {@link ConversationRelay.publish}es each page with something new and
 * {@link ConversationRelay.serve}s commands; a process with a socket of the same consumer reads the
 * pages ({@link ConversationRelay.read}) and {@link ConversationRelay.forward}s its commands.
 * Delivery of pages is at-least-once and in order; the reader's poll loop drops what it has
 * already seen, and closes a gap (a page whose `from` is past its cursor) by reading the chat once.
 * Implementations: {@link MemoryConversationRelay} (one process), `@chatbridge/redis`'s
 * `RedisConversationRelay`.
 */
export interface ConversationRelay {
  /** Appends a page to the conversation's stream (the stream keeps only the latest pages). */
  publish(conversationId: string, page: RelayPage): Promise<void>
  /**
   * The pages after `after` (`undefined`: from the oldest one kept), waiting up to the relay's
   * block time for one; resolves with none after that, or when `signal` aborts.
   */
  read(conversationId: string, after: string | undefined, signal: AbortSignal): Promise<readonly RelayEntry[]>
  /** Sends a command to the conversation's holder; resolves with its answer, or rejects with `E_OUTCOME_UNKNOWN` when none comes in time (the holder may have run it). */
  forward(conversationId: string, command: RelayCommand): Promise<RelayAnswer>
  /** Runs the conversation's forwarded commands through `handler` until the returned teardown is called. */
  serve(conversationId: string, handler: RelayHandler): () => void
  /**
   * Marks each consumer present (it has a socket on this process) for `ttlMs`, in one write per
   * call: a process holding a consumer's chat does not end it while the consumer is present elsewhere.
   */
  markPresent(consumerIds: readonly string[], ttlMs: number): Promise<void>
  /** The ms left of the consumer's presence marked by any process; 0 when it is not present. */
  presence(consumerId: string): Promise<number>
}

/**
 * The answer for what `handler` did with `command`: its value, or its failure with code, status
 * and body kept (what a relay sends back to the forwarding process).
 */
export async function answerRelayCommand(handler: RelayHandler, command: RelayCommand): Promise<RelayAnswer> {
  try {
    return { ok: true, value: (await handler(command)) ?? null }
  } catch (error) {
    return { ok: false, error: failureOf(error) }
  }
}

/** A thrown value as a {@link RelayFailure}. @internal */
export function failureOf(error: unknown): RelayFailure {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {}
  const failure: RelayFailure = {
    name: error instanceof Error ? error.name : 'Error',
    code: typeof record['code'] === 'string' ? record['code'] : undefined,
    message: error instanceof Error ? error.message : String(error),
  }
  const status = typeof record['status'] === 'number' ? { status: record['status'] } : {}
  return 'body' in record ? { ...failure, ...status, body: record['body'] } : { ...failure, ...status }
}

/**
 * The error a follower rethrows for a holder's failure: an `AdapterError` with the holder's code
 * when it is one (else `E_COMMAND_FAILED`); a refused request again as `RequestRefusedError` with its status and body.
 */
export function relayedError(failure: RelayFailure): Error {
  if (failure.code === 'E_REQUEST_REFUSED' && failure.status !== undefined) return new RequestRefusedError(failure.status, failure.message, 'body' in failure ? { body: failure.body } : {})
  const error = new AdapterError((failure.code ?? 'E_COMMAND_FAILED') as AdapterError['code'], failure.message)
  return Object.assign(error, failure.status === undefined ? {} : { status: failure.status }, 'body' in failure ? { body: failure.body } : {})
}
