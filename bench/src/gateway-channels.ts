// One frame channel over three carriers — the gateway's WebSocket, the in-process Messaging socket,
// a bare `ws` echo server — so the gateway bench runs the same scenario on each and compares.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createMessagingSocket } from '@chatbridge/adapter'
import type { ConnectionOptions } from '@chatbridge/adapter'
import { WebSocket, WebSocketServer } from 'ws'

/** A consumer's frames, whatever carries them. */
export interface Channel {
  send(text: string): void
  /** Calls `listener` with each frame's text; returns the unsubscribe. */
  onFrame(listener: (text: string) => void): () => void
  close(): Promise<void>
}

/** Sends a request and resolves with the text of its response. */
export function request(channel: Channel, id: string, type: string, body: unknown = {}, headers?: unknown[]): Promise<string> {
  const marker = `"reqId":"${id}"`
  const answered = waitFor(channel, (text) => text.includes(marker) && text.includes('"kind":"resp"'))
  channel.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
  return answered
}

/** Resolves with the first frame whose text passes `match`. */
export function waitFor(channel: Channel, match: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = channel.onFrame((text) => {
      if (!match(text)) return
      stop()
      resolve(text)
    })
  })
}

/** The `InitConnection` headers carrying `jwt`. */
export function authHeaders(jwt: string): unknown[] {
  return [{ type: '.ams.headers.ClientProperties', deviceFamily: 'DESKTOP' }, { type: '.ams.headers.ConsumerAuthentication', jwt }]
}

/** Opens a `ws` client; rejects when the upgrade fails. */
export async function wsChannel(url: string, headers: Record<string, string> = {}): Promise<Channel & { readonly ws: WebSocket }> {
  const ws = new WebSocket(url, { headers })
  const listeners = new Set<(text: string) => void>()
  ws.on('message', (data: Buffer) => {
    const text = data.toString()
    for (const listener of listeners) listener(text)
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${String(res.statusCode)}`)))
  })
  return {
    ws,
    send: (text) => ws.send(text),
    onFrame: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: async () => {
      if (ws.readyState === ws.CLOSED) return
      const closed = once(ws, 'close')
      ws.terminate()
      await closed
    },
  }
}

/** The in-process Messaging socket on the same legacy account, opened. */
export async function inProcessChannel(accountRoot: string, appKey: string, connection: ConnectionOptions): Promise<Channel> {
  const socket = createMessagingSocket({ accountRoot, appKey, format: 'json', ...connection })
  await new Promise<void>((resolve) => socket.once('open', () => resolve()))
  const listeners = new Set<(text: string) => void>()
  socket.on('message', (text) => {
    for (const listener of listeners) listener(text)
  })
  return {
    send: (text) => socket.send(text),
    onFrame: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.close()
      await closed
    },
  }
}

/** A bare `ws` server that answers each request with a response of the same id: the transport floor. */
export async function echoServer(): Promise<{ readonly url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', clientTracking: true })
  await once(wss, 'listening')
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const { id } = JSON.parse(data.toString()) as { id: string }
      ws.send(JSON.stringify({ kind: 'resp', reqId: id, code: 200, type: 'GenericSubscribeResponse', body: { currentTime: Date.now() } }))
    })
  })
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
}
