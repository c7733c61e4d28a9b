// A Messaging consumer over `ws` for the failover test, written from the protocol alone: every frame
// it got, requests with fresh ids, and waits on what arrives (a real signal, never a sleep).
import { WebSocket } from 'ws'

/** A server frame as the test reads it. */
export interface Frame {
  readonly kind: string
  readonly type?: string
  readonly reqId?: string | number | null
  readonly code?: number
  readonly body: { readonly conversationId?: string; readonly changes?: readonly unknown[] }
}

/** A messaging change as the test reads it. */
export interface Change {
  readonly sequence?: number
  readonly originatorMetadata: { readonly role: string }
  readonly dialogId: string
  readonly event: { readonly type: string; readonly message?: string }
}

/** One consumer socket on one gateway process. */
export class WsConsumer {
  readonly frames: Frame[] = []
  readonly closed: Promise<void>
  #waiters: (() => void)[] = []
  #nextId = 1
  #open = true

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', () => {
        this.#open = false
        for (const wake of this.#waiters.splice(0)) wake()
        resolve()
      }),
    )
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      for (const wake of this.#waiters.splice(0)) wake()
    })
  }

  /** Opens a socket to `wsUrl` and authenticates with `jwt` (answered once the stored conversations are resumed). */
  static async open(wsUrl: string, jwt: string): Promise<WsConsumer> {
    const ws = new WebSocket(wsUrl)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const client = new WsConsumer(ws)
    const headers = [{ type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP' }, { type: '.ams.headers.ConsumerAuthentication', jwt }]
    const init = await client.request('InitConnection', {}, headers)
    if (init.code !== 200) throw new Error(`InitConnection answered ${String(init.code)}`)
    return client
  }

  /** Sends a request and resolves with its response. */
  async request(type: string, body: unknown = {}, headers?: unknown[]): Promise<Frame> {
    const id = `r${this.#nextId++}`
    this.ws.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    return this.until((frame) => frame.kind === 'resp' && frame.reqId === id, type)
  }

  /** The first frame (received already or later) that matches; rejects when the socket closes first. */
  async until(predicate: (frame: Frame) => boolean, what = 'a frame'): Promise<Frame> {
    for (;;) {
      const found = this.frames.find(predicate)
      if (found !== undefined) return found
      if (!this.#open) throw new Error(`the socket closed before ${what}`)
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }

  /** Every messaging change received so far, in order. */
  changes(): Change[] {
    return this.frames.filter((f) => f.type === 'ms.MessagingEventNotification').flatMap((f) => (f.body.changes ?? []) as Change[])
  }

  /** Resolves once a messaging change carries `message`. */
  async message(message: string): Promise<void> {
    await this.until((f) => f.type === 'ms.MessagingEventNotification' && ((f.body.changes ?? []) as Change[]).some((c) => c.event.message === message), `the change ${JSON.stringify(message)}`)
  }

  /** Publishes a visitor line; resolves with the response. */
  say(dialogId: string, message: string): Promise<Frame> {
    return this.request('ms.PublishEvent', { dialogId, conversationId: dialogId, event: { type: 'ContentEvent', contentType: 'text/plain', message } })
  }

  /** Closes the socket (already closed is fine). */
  async close(): Promise<void> {
    if (this.#open) this.ws.terminate()
    await this.closed
  }
}
