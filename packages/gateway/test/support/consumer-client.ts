// A Messaging consumer over `ws`, written from the protocol alone, and a gateway on the testing legacy server.
import type { ConnectionOptions } from '@chatbridge/adapter'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChat, LegacyChatServer } from '@chatbridge/testing'
import { decodeJwt } from 'jose'
import { WebSocket } from 'ws'
import { startGateway } from '../../src/index.js'
import type { Gateway, GatewayOptions } from '../../src/index.js'
import { accountId, authHeaders, signup } from './gateway-client.js'

/** Real timers, short intervals: a conversation takes well under a second. */
export const fastPacing: ConnectionOptions = {
  chattingIntervalMs: 15,
  waitingIntervalMs: 20,
  backoffBaseMs: 10,
  backoffMaxMs: 40,
  minKeepAliveMs: 20,
  lastSubscriberGraceMs: 5,
  reconcileWindowMs: 20,
}

/** A server frame as the tests read it. */
export interface Frame {
  readonly kind: string
  readonly type?: string
  readonly reqId?: string | number | null
  readonly code?: number
  readonly body: FrameBody
}

/** The body fields the tests read (a body may also be a plain string). */
export interface FrameBody {
  readonly conversationId?: string
  readonly subscriptionId?: string
  readonly sequence?: number
  readonly changes?: readonly unknown[]
  readonly message?: string
}

/** A conversation change as the tests read it. */
export interface ConversationChange {
  readonly type: string
  readonly result: { readonly convId: string; readonly conversationDetails: { readonly state: string; readonly participants?: readonly { readonly id: string; readonly role: string }[] } }
}

/** A messaging change as the tests read it. */
export interface Change {
  readonly sequence?: number
  readonly originatorId: string
  readonly originatorMetadata: { readonly role: string }
  readonly dialogId: string
  readonly event: { readonly type: string; readonly message?: string; readonly chatState?: string }
}

/** A legacy server with a gateway in front of it. */
export interface Stack {
  readonly legacy: LegacyChatServer
  readonly gateway: Gateway
  close(): Promise<void>
}

/** Starts the testing legacy server (ended chats kept) and a gateway on it with fast pacing. */
export async function startStack(
  options: { readonly format?: 'json' | 'xml'; readonly connection?: ConnectionOptions; readonly gateway?: Partial<GatewayOptions> } = {},
): Promise<Stack> {
  const legacy = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
  const gateway = await startGateway({
    accountId,
    legacy: { accountRoot: legacy.accountRoot, appKey: legacy.appKey, format: options.format ?? 'json', connection: { ...fastPacing, ...options.connection } },
    ...options.gateway,
  })
  return {
    legacy,
    gateway,
    close: async () => {
      await gateway.close()
      await legacy.close()
    },
  }
}

/** A consumer socket: every frame it got, requests with fresh ids, and waits on what arrives. */
export class ConsumerClient {
  readonly frames: Frame[] = []
  readonly closed: Promise<number>
  #waiters: (() => void)[] = []
  #nextId = 1

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      for (const wake of this.#waiters.splice(0)) wake()
    })
  }

  /** Opens a socket to the gateway and authenticates with `jwt` in `InitConnection`. */
  static async open(gateway: Gateway, jwt: string): Promise<ConsumerClient> {
    const ws = new WebSocket(gateway.wsUrl)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const client = new ConsumerClient(ws)
    const init = await client.request('InitConnection', {}, authHeaders(jwt))
    if (init.code !== 200) throw new Error(`InitConnection answered ${String(init.code)}`)
    return client
  }

  /** Sends a request and resolves with its response. */
  async request(type: string, body: unknown = {}, headers?: unknown[]): Promise<Frame> {
    const id = `r${this.#nextId++}`
    this.ws.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
    return this.until((frame) => frame.kind === 'resp' && frame.reqId === id)
  }

  /** The first frame (received already or later) that matches. */
  async until(predicate: (frame: Frame) => boolean): Promise<Frame> {
    for (;;) {
      const found = this.frames.find(predicate)
      if (found !== undefined) return found
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }

  /** Every messaging change received so far, in order. */
  changes(): Change[] {
    return this.frames.filter((f) => f.type === 'ms.MessagingEventNotification').flatMap((f) => (f.body.changes ?? []) as Change[])
  }

  /** The first messaging change (received already or later) that matches. */
  async change(predicate: (change: Change) => boolean): Promise<Change> {
    const frame = await this.until((f) => f.type === 'ms.MessagingEventNotification' && ((f.body.changes ?? []) as Change[]).some(predicate))
    return ((frame.body.changes ?? []) as Change[]).find(predicate)!
  }

  /** Conversation notifications received so far. */
  conversationNotifications(): Frame[] {
    return this.frames.filter((f) => f.type === 'cqm.ExConversationChangeNotification')
  }

  /** Closes the socket normally and waits for the close. */
  async close(): Promise<void> {
    this.ws.close()
    await this.closed
  }
}

/** A signup identity: its token and its `sub`. */
export async function newConsumer(gateway: Gateway): Promise<{ readonly jwt: string; readonly sub: string }> {
  const jwt = await signup(gateway)
  return { jwt, sub: String(decodeJwt(jwt).sub) }
}

/** Requests a conversation and resolves with its id and the legacy chat behind it. */
export async function requestConversation(client: ConsumerClient, legacy: LegacyChatServer): Promise<{ readonly conversationId: string; readonly chat: LegacyChat }> {
  const chatArrives = legacy.nextChat()
  const response = await client.request('cm.ConsumerRequestConversation', { skillId: 'Sales', brandId: accountId })
  if (response.code !== 200) throw new Error(`the request was answered ${String(response.code)}`)
  const chat = await chatArrives
  return { conversationId: String(response.body.conversationId), chat }
}

/** Publishes a line; resolves with the response. */
export function say(client: ConsumerClient, dialogId: string, message: string): Promise<Frame> {
  return client.request('ms.PublishEvent', { dialogId, conversationId: dialogId, event: { type: 'ContentEvent', contentType: 'text/plain', message } })
}

/** Resolves once `condition` holds on the chat (checked now and at each chat event). */
export function chatReaches(chat: LegacyChat, condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (condition()) return resolve()
    const stop = chat.on('event', () => {
      if (!condition()) return
      stop()
      resolve()
    })
  })
}
