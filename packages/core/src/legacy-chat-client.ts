import { ChatSession } from './chat-session.js'
import { AvailabilityDocument, AvailableSlotsDocument, EstimatedWaitTimeDocument } from './document-codecs.js'
import { DecodeError, InvalidArgumentError } from './errors.js'
import { assertAllowedOrigin } from './links.js'
import type { AvailabilityQuery, ChatFormat, LegacyChatClientOptions, RequestOptions, StartChatRequest } from './options.js'
import { redactUri } from './redact.js'
import { Transport } from './transport.js'

/**
 * A client of the legacy visitor Chat REST API for one account.
 *
 * The account root is the only URI it builds by hand (`{root}/chat/request` and the availability
 * checks hang off it); every other URI comes from a `Location` header or a link relation.
 * Requests carry `v=1`, the app key goes to the account's origin only, and every failure is a
 * typed `ChatBridgeError`.
 *
 * @example
 * const client = new LegacyChatClient({ accountRoot: 'https://va.example.net/api/account/123', appKey })
 * const chat = await client.startChat({ skill: 'Sales' })
 * const { events, info } = await chat.snapshot({ from: 0 })
 * await client.close()
 */
export class LegacyChatClient {
  /** The account root, `https://{domain}/api/account/{accountId}`, without a trailing slash. */
  readonly accountRoot: URL
  /** The wire format in use. */
  readonly format: ChatFormat
  readonly #transport: Transport

  /**
   * Checks the options, failing fast with an `InvalidArgumentError` that shows a correct call, and
   * prepares the transport. Sends nothing.
   */
  constructor(options: LegacyChatClientOptions) {
    this.accountRoot = parseRoot(options.accountRoot)
    if (typeof options.appKey !== 'string' || options.appKey === '') {
      throw new InvalidArgumentError("appKey is required, e.g. new LegacyChatClient({ accountRoot, appKey: '…' })")
    }
    if (options.format !== undefined && options.format !== 'json' && options.format !== 'xml') {
      throw new InvalidArgumentError(`format must be 'json' or 'xml', got ${JSON.stringify(options.format)}`)
    }
    for (const name of ['connections', 'requestTimeoutMs', 'connectTimeoutMs', 'maxBodyBytes'] as const) {
      const value = options[name]
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new InvalidArgumentError(`${name} must be a positive integer, e.g. new LegacyChatClient({ accountRoot, appKey, ${name}: ${DEFAULT_EXAMPLES[name]} }); got ${String(value)}`)
      }
    }
    if (options.transport !== undefined && options.transport !== 'request' && options.transport !== 'fetch') {
      throw new InvalidArgumentError(`transport must be 'request' or 'fetch', got ${JSON.stringify(options.transport)}`)
    }
    this.format = options.format ?? 'json'
    this.#transport = new Transport(this.accountRoot, options)
  }

  /**
   * Requests a chat (`POST {root}/chat/request`). Resolves once the server answered 201 with the
   * chat's `Location`; the chat then starts `waiting` for an agent.
   */
  async startChat(request: StartChatRequest = {}, options: RequestOptions = {}): Promise<ChatSession> {
    const uri = this.#entry('chat/request')
    const response = await this.#transport.send({ ...options, method: 'POST', uri, body: { request: chatRequestBody(request) } })
    if (response.location === undefined) {
      throw new DecodeError({
        path: 'Location',
        uri: redactUri(uri),
        status: response.status,
        format: response.format,
        detail: 'expected a Location header with the chat URI',
      })
    }
    assertAllowedOrigin(response.location, this.accountRoot, new Set(), uri)
    return new ChatSession(this.#transport, stripQuery(response.location))
  }

  /**
   * A session for an existing chat, by its URI or its conversation id (the URI's last segment).
   * Sends nothing; the first operation reads the chat.
   */
  attach(chat: string | URL): ChatSession {
    const text = String(chat)
    if (text === '') throw new InvalidArgumentError('attach needs a chat URI or a conversation id')
    const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? new URL(text) : this.#entry(`chat/${encodeURIComponent(text)}`)
    assertAllowedOrigin(uri, this.accountRoot, new Set(), this.accountRoot)
    return new ChatSession(this.#transport, uri)
  }

  /** Whether a chat can be had (`GET {root}/chat/availability`). */
  async availability(query: AvailabilityQuery = {}, options: RequestOptions = {}): Promise<boolean> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: this.#entry('chat/availability', query) })
    return this.#transport.decode(AvailabilityDocument, response)['availability'] ?? false
  }

  /** Estimated wait in seconds: 0 an agent is free now, -1 no agents or service down, -2 too little data. */
  async estimatedWaitTime(query: Omit<AvailabilityQuery, 'agent' | 'maxWaitTime'> = {}, options: RequestOptions = {}): Promise<number> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: this.#entry('chat/estimatedWaitTime', query) })
    return this.#transport.decode(EstimatedWaitTimeDocument, response)['estimatedWaitTime'] ?? -1
  }

  /** Free chat slots; -1 means unlimited. */
  async availableSlots(query: AvailabilityQuery = {}, options: RequestOptions = {}): Promise<number> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: this.#entry('chat/availableSlots', query) })
    return this.#transport.decode(AvailableSlotsDocument, response)['availableSlots'] ?? 0
  }

  /** Closes the connections the client opened (not a dispatcher passed in the options). */
  async close(): Promise<void> {
    await this.#transport.close()
  }

  #entry(path: string, query: AvailabilityQuery = {}): URL {
    const uri = new URL(`${this.accountRoot.href}/${path}`)
    for (const [name, value] of Object.entries(query)) if (value !== undefined) uri.searchParams.set(name, String(value))
    return uri
  }
}

const DEFAULT_EXAMPLES = { connections: 16, requestTimeoutMs: 10_000, connectTimeoutMs: 5_000, maxBodyBytes: 1_048_576 } as const

function parseRoot(root: string | URL): URL {
  let url: URL
  try {
    url = new URL(root)
  } catch {
    throw new InvalidArgumentError(`accountRoot must be an absolute URI such as https://{domain}/api/account/{accountId}, got ${JSON.stringify(String(root))}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`accountRoot must be http(s), got ${url.protocol}`)
  }
  url.search = ''
  url.hash = ''
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

function stripQuery(uri: URL): URL {
  const url = new URL(uri)
  url.searchParams.delete('v')
  url.searchParams.delete('NC')
  return url
}

function chatRequestBody(request: StartChatRequest): Record<string, unknown> {
  const { extra, preChatLines, ...fields } = request
  const body: Record<string, unknown> = { ...fields }
  if (preChatLines !== undefined) body['preChatLines'] = { line: [...preChatLines] }
  return { ...body, ...extra }
}
