// The CLI's Messaging client of chatbridge's socket: requests paired with responses, and when a
// conversation closed or polling gave up.
import type { Subscription } from 'rxjs'
import type { ExConversationChange, MessagingEventChange, MessagingSocket, RequestFrame, ResponseFrame, ServerFrame } from '@chatbridge/adapter'
import { CliFailure } from './arguments.js'
import { firstLine, messageOf } from './error-text.js'
import type { LegacyTap } from './legacy-tap.js'
import type { Transcript } from './transcript.js'

/**
 * A Messaging Window API client, as a team's own code would be, talking to chatbridge's socket:
 * it sends request frames, pairs each response with its request, hands every frame to the
 * transcript, and tells when the conversation closed or polling failed for good.
 */
export class MessagingSession {
  readonly #socket: MessagingSocket
  readonly #tap: LegacyTap
  readonly #transcript: Transcript
  readonly #maxFailedPolls: number
  readonly #pending = new Map<string, (frame: ResponseFrame) => void>()
  readonly #messagingListeners = new Set<(change: MessagingEventChange) => void>()
  readonly #conversationListeners = new Set<(change: ExConversationChange) => void>()
  #nextId = 1
  #watch: Subscription | undefined
  readonly #opened: Promise<void>
  readonly #closed: Promise<void>

  /** @param maxFailedPolls consecutive failed polls (after the first success) before giving up; default 5. */
  constructor(socket: MessagingSocket, tap: LegacyTap, transcript: Transcript, maxFailedPolls = 5) {
    this.#socket = socket
    this.#tap = tap
    this.#transcript = transcript
    this.#maxFailedPolls = maxFailedPolls
    this.#opened = new Promise((resolve) => socket.once('open', () => resolve()))
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('message', (data) => this.#receive(data))
    // Poll failures are read from the connection's state (see `watch`); the socket's error events repeat them.
    socket.on('error', () => undefined)
  }

  /** Resolves once the socket is open. */
  open(): Promise<void> {
    return this.#opened
  }

  /** Sends a request frame and resolves with its response, whatever its code. */
  request(type: string, body: Record<string, unknown> = {}, headers?: readonly unknown[]): Promise<ResponseFrame> {
    const frame: RequestFrame = { kind: 'req', id: String(this.#nextId++), type, body, ...(headers === undefined ? {} : { headers }) }
    this.#transcript.request(frame)
    const response = new Promise<ResponseFrame>((resolve) => this.#pending.set(String(frame.id), resolve))
    this.#socket.send(JSON.stringify(frame))
    return response
  }

  /** As {@link request}, but a response whose code is not 2xx rejects with a one-line {@link CliFailure}. */
  async require(type: string, body: Record<string, unknown> = {}, headers?: readonly unknown[]): Promise<ResponseFrame> {
    const response = await this.request(type, body, headers)
    if (response.code < 200 || response.code > 299) {
      throw new CliFailure(`${type} failed (${response.code}): ${typeof response.body === 'string' ? response.body : JSON.stringify(response.body)}`)
    }
    return response
  }

  /** Calls `listener` with every messaging change delivered. */
  onMessaging(listener: (change: MessagingEventChange) => void): void {
    this.#messagingListeners.add(listener)
  }

  /**
   * Resolves when the conversation closes (a `CLOSE` UPSERT). Rejects with a {@link CliFailure}
   * when its chat could never be read (unreachable server, refused app key, unknown chat), when
   * polling stops on a failure that is not retried, or after `maxFailedPolls` failures in a row.
   */
  watch(conversationId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const listener = (change: ExConversationChange): void => {
        if (change.result.convId !== conversationId || change.result.conversationDetails.state !== 'CLOSE') return
        this.#conversationListeners.delete(listener)
        if (this.#tap.reads(conversationId) === 0) reject(new CliFailure(`chat ${conversationId} was not found (404, internalCode 12)`))
        else resolve()
      }
      this.#conversationListeners.add(listener)
      this.#watch = this.#socket.connection.state$.subscribe((state) => {
        if (state.status === 'backing-off') {
          if (this.#tap.reads(conversationId) === 0) reject(new CliFailure(`cannot read chat ${conversationId}: ${lineOf(state.error)}`))
          else if (state.attempt >= this.#maxFailedPolls) reject(new CliFailure(`polling failed ${state.attempt} times in a row: ${lineOf(state.error)}`))
          else this.#transcript.note(`poll failed (${lineOf(state.error)}); retrying in ${(state.retryInMs / 1000).toFixed(1)} s`)
        } else if (state.status === 'closed' && (state.reason === 'refused' || state.reason === 'unexpected')) {
          const what = this.#tap.reads(conversationId) === 0 ? 'cannot read chat' : 'polling stopped for chat'
          reject(new CliFailure(`${what} ${conversationId}: ${lineOf(state.error)}`))
        }
      })
    })
  }

  /** Closes the socket (which stops polling and closes core's client); resolves once it is closed. Does not end the chat. */
  async close(): Promise<void> {
    this.#watch?.unsubscribe()
    if (this.#socket.readyState === 0) await this.#opened
    this.#socket.close()
    await this.#closed
  }

  #receive(data: string): void {
    const frame = JSON.parse(data) as ServerFrame
    this.#transcript.frame(frame, data)
    if (frame.kind === 'resp') {
      const resolve = this.#pending.get(String(frame.reqId))
      this.#pending.delete(String(frame.reqId))
      resolve?.(frame)
    } else if (frame.type === 'ms.MessagingEventNotification') {
      for (const change of frame.body.changes) for (const listener of this.#messagingListeners) listener(change)
    } else if (frame.type === 'cqm.ExConversationChangeNotification') {
      for (const change of frame.body.changes) for (const listener of [...this.#conversationListeners]) listener(change)
    }
  }
}

/** A failure's message on one line (core's and the adapter's never contain the app key). */
function lineOf(error: unknown): string {
  return firstLine(messageOf(error))
}
