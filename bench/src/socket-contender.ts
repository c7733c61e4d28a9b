/**
 * chatbridge's Messaging socket as a scale contender: one in-process `MessagingSocket` per chat,
 * every socket on one shared `LegacyChatClient` (as a gateway shares one), each driven through the
 * protocol as a real client would: `InitConnection` and `cqm.SubscribeExConversations` when opened,
 * `cm.ConsumerRequestConversation` then `ms.SubscribeMessagingEvents` when started. The conversation
 * is requested at the start, not the opening: its poll loop starts with it (the `cqm` watch keeps
 * it polled), and sockets opened 64 at a time would poll in bursts of 64 where the other contenders'
 * polls are spread over the interval (a snapshot taken in a burst counted its polls in flight, ~2 KB
 * each, as ~200 B a chat).
 */
import { LegacyChatClient } from '@chatbridge/core'
import { MessagingSocket } from '@chatbridge/adapter'
import type { Contender } from './scale-contenders.js'
import type { ScaleJob } from './scale-client.js'

interface Frame {
  readonly kind?: string
  readonly reqId?: number
  readonly code?: number
  readonly body?: { readonly conversationId?: string }
}

const APP_KEY = 'bench-app-key-0123456789abcdef'
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * One socket and its one pending request (a client of this bench asks one thing at a time), answered
 * by `reqId`: the least a client keeps per socket, so what is measured is the socket's own heap.
 */
class ProtocolClient {
  readonly socket: MessagingSocket
  #pending: { readonly id: number; readonly resolve: (frame: Frame) => void } | undefined
  #nextId = 1

  constructor(client: LegacyChatClient, job: ScaleJob) {
    this.socket = new MessagingSocket(client, { chattingIntervalMs: job.intervalMs, waitingIntervalMs: job.intervalMs, idleGrowth: 1 })
    this.socket.on('message', onMessage, this)
  }

  receive(data: string): void {
    const frame = JSON.parse(data) as Frame
    const pending = this.#pending
    if (frame.kind === 'resp' && pending !== undefined && frame.reqId === pending.id) pending.resolve(frame)
  }

  async request(type: string, body: unknown, headers: readonly unknown[] = []): Promise<Frame> {
    const id = this.#nextId++
    const answered = new Promise<Frame>((resolve) => (this.#pending = { id, resolve }))
    this.socket.send(JSON.stringify({ kind: 'req', id, type, body, headers }))
    const frame = await answered
    this.#pending = undefined
    if (frame.code !== 200) throw new Error(`${type} answered ${String(frame.code)}`)
    return frame
  }
}

// A listener with the client as `this` (eventemitter3's context argument), not a closure per socket.
function onMessage(this: ProtocolClient, data: string): void {
  this.receive(data)
}

/** N sockets, one conversation each. */
export function messagingSockets(root: string, job: ScaleJob): Contender {
  const client = new LegacyChatClient({ accountRoot: root, appKey: APP_KEY, connections: job.connections })
  const sockets = new Map<string, ProtocolClient>()
  let consumers = 0
  return {
    open: async () => {
      const protocol = new ProtocolClient(client, job)
      await new Promise<void>((resolve) => protocol.socket.once('open', resolve))
      consumers += 1
      // Named now: sockets open 64 at a time, and `consumers` moves on while this one is answered.
      const handle = `consumer-${consumers}`
      sockets.set(handle, protocol)
      const jwt = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: handle })}.sig`
      await protocol.request('InitConnection', {}, [{ type: '.ams.headers.ConsumerAuthentication', jwt }])
      await protocol.request('cqm.SubscribeExConversations', { convState: ['OPEN'] })
      return handle
    },
    start: (handle) => {
      const protocol = sockets.get(handle)
      if (protocol === undefined) return
      const subscribing = async (): Promise<void> => {
        const requested = await protocol.request('cm.ConsumerRequestConversation', { skillId: 'bench', brandId: '12345678' })
        const conversationId = requested.body?.conversationId ?? ''
        await protocol.request('ms.SubscribeMessagingEvents', { dialogId: conversationId, conversationId, fromSeq: 0 })
      }
      subscribing().catch((error: unknown) => console.error(`starting ${handle} failed: ${String(error)}`))
    },
    close: async () => {
      await Promise.all(
        [...sockets.values()].map(
          (protocol) =>
            new Promise<void>((resolve) => {
              protocol.socket.once('close', () => resolve())
              protocol.socket.close()
            }),
        ),
      )
      await client.close()
    },
  }
}
