/** The legacy chat client: the account's entry points (chat request, availability) and `attach`. */
import { AccountEntries } from './account-resource.js'
import { ChatSession } from './chat-session.js'
import { decodeError } from './decode.js'
import { AvailabilityDocument, AvailableSlotsDocument, EstimatedWaitTimeDocument } from './document-codecs.js'
import { InvalidArgumentError } from './errors.js'
import type { AuthenticatedVisitor, OfflineSurveyQuery, OfflineSurveySubmission, PreChatSurveyQuery, VisitorAuthentication } from './journey-requests.js'
import type { Survey } from './model.js'
import type { AvailabilityQuery, ChatFormat, LegacyChatClientOptions, RequestOptions, StartChatRequest } from './options.js'
import { redactUri } from './redact.js'
import { preChatSurveyField, readSurvey, submitOfflineSurvey } from './surveys.js'
import { Transport } from './transport.js'
import { resolveTransportOptions } from './transport-options.js'
import { authenticateVisitor } from './visitor-authentication.js'

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
  readonly #entries: AccountEntries

  /**
   * Checks the options, failing fast with an `InvalidArgumentError` that shows a correct call, and
   * prepares the transport. Sends nothing.
   */
  constructor(options: LegacyChatClientOptions) {
    this.accountRoot = parseRoot(options.accountRoot)
    if (typeof options.appKey !== 'string' || options.appKey === '') {
      throw new InvalidArgumentError("appKey is required, e.g. new LegacyChatClient({ accountRoot, appKey: '…' })")
    }
    const resolved = resolveTransportOptions(options, (field) => `new LegacyChatClient({ accountRoot, appKey, ${field} })`)
    this.format = resolved.format
    this.#transport = new Transport({ home: this.accountRoot, appKey: options.appKey }, resolved)
    this.#entries = new AccountEntries(this.#transport, this.accountRoot, options.entryPoints !== 'documented-paths')
  }

  /**
   * Requests a chat (the account's `chat-request` relation, else `POST {root}/chat/request`).
   * Resolves once the server answered 201 with the chat's `Location`; the chat then starts
   * `waiting` for an agent.
   */
  async startChat(request: StartChatRequest = {}, options: RequestOptions = {}): Promise<ChatSession> {
    const uri = await this.#entries.uri('chat-request', {}, options)
    const response = await this.#transport.send({ ...options, method: 'POST', uri, body: { request: chatRequestBody(request) } })
    if (response.location === undefined) {
      const origin = { uri: redactUri(uri), status: response.status, format: response.format }
      throw decodeError(origin, 'expected a Location header with the chat URI', { path: 'Location' })
    }
    // The version layer already took `v`/`NC` off the Location; the origin policy is the transport's.
    this.#transport.assertAllowed(response.location, uri)
    return ChatSession.open(this.#transport, response.location)
  }

  /**
   * A session for an existing chat, by its URI or its conversation id (the URI's last segment).
   * Sends nothing; the first operation reads the chat.
   */
  attach(chat: string | URL): ChatSession {
    const text = String(chat)
    if (text === '') throw new InvalidArgumentError('attach needs a chat URI or a conversation id')
    const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? new URL(text) : this.#entry(`chat/${encodeURIComponent(text)}`)
    this.#transport.assertAllowed(uri, this.accountRoot)
    return ChatSession.open(this.#transport, uri)
  }

  /** Whether a chat can be had (`GET {root}/chat/availability`). */
  async availability(query: AvailabilityQuery = {}, options: RequestOptions = {}): Promise<boolean> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: await this.#entries.uri('chat-availability', query, options) })
    return this.#transport.decode(AvailabilityDocument, response)['availability'] ?? false
  }

  /** Estimated wait in seconds: 0 an agent is free now, -1 no agents or service down, -2 too little data. */
  async estimatedWaitTime(query: Omit<AvailabilityQuery, 'agent' | 'maxWaitTime'> = {}, options: RequestOptions = {}): Promise<number> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: await this.#entries.uri('chat-estimatedWaitTime', query, options) })
    return this.#transport.decode(EstimatedWaitTimeDocument, response)['estimatedWaitTime'] ?? -1
  }

  /** Free chat slots; -1 means unlimited. */
  async availableSlots(query: AvailabilityQuery = {}, options: RequestOptions = {}): Promise<number> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri: await this.#entries.uri('chat-available-slots', query, options) })
    return this.#transport.decode(AvailableSlotsDocument, response)['availableSlots'] ?? 0
  }

  /** Reads the pre-chat survey (`prechat-survey` relation, else `GET {root}/chat/preSurvey`); answer it in `startChat({ survey })`. */
  async preChatSurvey(query: PreChatSurveyQuery = {}, options: RequestOptions = {}): Promise<Survey> {
    return readSurvey(this.#transport, this.#entries, 'prechat-survey', query, options)
  }

  /** Reads the offline survey (`chat-offline-survey` relation, else `GET {root}/chat/offlineSurvey`), for when no agent is available. */
  async offlineSurvey(query: OfflineSurveyQuery = {}, options: RequestOptions = {}): Promise<Survey> {
    return readSurvey(this.#transport, this.#entries, 'chat-offline-survey', query, options)
  }

  /** Submits offline survey answers (PUT to the offline survey); see {@link OfflineSurveySubmission} for the body. */
  async submitOfflineSurvey(submission: OfflineSurveySubmission, options: RequestOptions = {}): Promise<void> {
    await submitOfflineSurvey(this.#transport, this.#entries, submission, options)
  }

  /**
   * Authenticates a visitor (`POST {root}/conversation`, 201); pass the ids it resolves to in
   * `startChat({ participantId, conversationId })`. `ssoKey` never appears in an error.
   */
  async authenticateVisitor(request: VisitorAuthentication, options: RequestOptions = {}): Promise<AuthenticatedVisitor> {
    return authenticateVisitor(this.#transport, this.accountRoot, request, options)
  }

  /** Closes the connections the client opened (not a dispatcher passed in the options). */
  async close(): Promise<void> {
    await this.#transport.close()
  }

  #entry(path: string): URL {
    return new URL(`${this.accountRoot.href}/${path}`)
  }
}

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

function chatRequestBody(request: StartChatRequest): Record<string, unknown> {
  const { extra, preChatLines, survey, ...fields } = request
  const body: Record<string, unknown> = { ...fields }
  if (preChatLines !== undefined) body['preChatLines'] = { line: [...preChatLines] }
  if (survey !== undefined) body['survey'] = preChatSurveyField(survey)
  return { ...body, ...extra }
}
