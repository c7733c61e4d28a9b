import { createServer } from 'node:http'
import { afterEach } from 'vitest'
import { LegacyChatClient } from '@chatbridge/core'
import type { LegacyChatClientOptions } from '@chatbridge/core'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** What a loopback test server saw of one request. */
export interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A throwaway node:http server on 127.0.0.1 for transport-level tests. */
export interface Loopback {
  readonly origin: string
  readonly requests: SeenRequest[]
  close(): Promise<void>
}

export async function startLoopback(handler: (req: SeenRequest, res: ServerResponse, socket: Socket) => void): Promise<Loopback> {
  const sockets = new Set<Socket>()
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(seen)
      handler(seen, res, req.socket)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A handler of {@link startLoopback}. */
export type LoopbackHandler = Parameters<typeof startLoopback>[0]

/** A loopback server and a client of it, made per test and torn down after each. */
export interface LoopbackClients {
  /** Starts a server with `handler` and a client configured for it (app key: the tests' key). */
  serve(handler: LoopbackHandler, options?: Partial<LegacyChatClientOptions>): Promise<LegacyChatClient>
  /** Closes the current client and server now (for tests that serve several times). */
  reset(): Promise<void>
  /** The current server. */
  readonly server: Loopback | undefined
}

export function useLoopbackClients(appKey: string, defaults: () => Partial<LegacyChatClientOptions> = () => ({})): LoopbackClients {
  let server: Loopback | undefined
  let client: LegacyChatClient | undefined
  const reset = async (): Promise<void> => {
    await client?.close()
    await server?.close()
    client = undefined
    server = undefined
  }
  afterEach(reset)
  return {
    serve: async (handler, options = {}) => {
      await reset()
      server = await startLoopback(handler)
      client = new LegacyChatClient({ accountRoot: `${server.origin}/api/account/1`, appKey, ...defaults(), ...options })
      return client
    },
    reset,
    get server() {
      return server
    },
  }
}
