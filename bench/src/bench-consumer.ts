// A Messaging consumer over `ws` for the failover bench: sign up, open a socket, request and subscribe to a conversation.
import { WebSocket } from 'ws'

interface Frame {
  readonly kind: string
  readonly reqId?: string
  readonly code?: number
  readonly body?: { readonly conversationId?: string }
}

/** One consumer socket on one gateway process. */
export class BenchConsumer {
  readonly closed: Promise<void>
  readonly #answers = new Map<string, (frame: Frame) => void>()
  #nextId = 1

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()))
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame
      if (frame.kind !== 'resp' || frame.reqId === undefined) return
      this.#answers.get(frame.reqId)?.(frame)
      this.#answers.delete(frame.reqId)
    })
  }

  /** A new consumer's JWT from the gateway's signup route. */
  static async signup(gatewayUrl: string, accountId: string): Promise<string> {
    const response = await fetch(`${gatewayUrl}/api/account/${accountId}/signup`, { method: 'POST' })
    return ((await response.json()) as { jwt: string }).jwt
  }

  /** Opens a socket and authenticates (answered once the stored conversations are resumed). */
  static async open(wsUrl: string, jwt: string): Promise<BenchConsumer> {
    const ws = new WebSocket(wsUrl)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const consumer = new BenchConsumer(ws)
    const headers = [{ type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP' }, { type: '.ams.headers.ConsumerAuthentication', jwt }]
    await consumer.request('InitConnection', {}, headers)
    return consumer
  }

  /** Sends a request; resolves with its response, rejects on an error code or a closed socket. */
  request(type: string, body: unknown = {}, headers?: unknown[]): Promise<Frame> {
    const id = `r${this.#nextId++}`
    return new Promise((resolve, reject) => {
      void this.closed.then(() => reject(new Error(`socket closed before the answer to ${type}`)))
      this.#answers.set(id, (frame) => (frame.code === 200 ? resolve(frame) : reject(new Error(`${type} answered ${String(frame.code)}`))))
      this.ws.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    })
  }

  /** Requests a conversation and subscribes to its events; resolves with its id. */
  async converse(accountId: string): Promise<string> {
    const requested = await this.request('cm.ConsumerRequestConversation', { skillId: 'Sales', brandId: accountId })
    const conversationId = String(requested.body?.conversationId)
    await this.subscribe(conversationId)
    return conversationId
  }

  /** Subscribes to a conversation's events from the start. */
  async subscribe(conversationId: string): Promise<void> {
    await this.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
  }

  /** Closes the socket (already closed is fine). */
  async close(): Promise<void> {
    this.ws.terminate()
    await this.closed
  }
}
