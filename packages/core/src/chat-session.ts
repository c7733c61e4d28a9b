/** One legacy chat as a session: reads, posts and link navigation by relation. */
import type * as t from 'io-ts'
import {
  AgentTypingDocument,
  ChatDocument,
  EventsDocument,
  InfoDocument,
  SurveyDocument,
  VisitorNameDocument,
  VisitorTypingDocument,
} from './document-codecs.js'
import { InvalidArgumentError } from './errors.js'
import type { CustomVariable } from './journey-requests.js'
import type { Links } from './links.js'
import type { ChatInfo, ChatSnapshot, EventsPage, Survey, SurveyAnswer, TypingStatus } from './model.js'
import type { RequestOptions } from './options.js'
import { toEventsPage, toInfo, toSnapshot, toSurvey } from './resources.js'
import type { Transport, TransportRequest } from './transport.js'
import { conversationIdOf, tailOf, trailingId, withFrom } from './chat-uri.js'

/** Options of a read that starts at an event id. */
export interface FromOptions extends RequestOptions {
  /** The `@id` of the first event wanted; default: the server's (all events). */
  readonly from?: number
}

/** A transcript request; with `subject` it goes to the `transcript-with-subject-request` relation. */
export interface TranscriptRequest {
  /** Where the transcript is mailed. */
  readonly email: string
  /** The mail's subject. The legacy docs name no field for it; it is sent as `subject`. */
  readonly subject?: string
  /** Milliseconds from UTC; only changes the offset printed in the mail. */
  readonly timezoneOffsetMs?: number
}

/**
 * One legacy chat, reached through its URI and the links it hands out. Every URI after the chat's
 * own comes from a link relation of the chat or its info section; links are learnt from each read
 * and fetched once (one `GET` of the chat resource) when an operation needs one not yet seen.
 *
 * A session holds no timer and no socket of its own: it can be dropped at any time.
 */
export class ChatSession {
  /** The chat id: the last path segment of {@link uri}; Messaging's `conversationId`. */
  readonly conversationId: string
  readonly #transport: Transport
  // Text, parsed at use: a session lives as long as its chat, and a `URL` costs several times its text.
  readonly #uri: string
  #chatLinks: Links | undefined
  #infoLinks: Links | undefined

  // Private, so the published types offer no constructor at all (a stripped internal one
  // would read as a public `new ChatSession()`); the client makes sessions through `open`.
  private constructor(transport: Transport, uri: URL) {
    this.#transport = transport
    this.#uri = uri.href
    this.conversationId = tailOf(this.#uri, conversationIdOf(uri))
  }

  /** The chat resource's URI (from `Location` of the chat request); a new `URL` on each read. */
  get uri(): URL {
    return new URL(this.#uri)
  }

  /** {@link uri} as text: the same string on each read, so what keeps it (a store's record, say) shares the session's copy. */
  get href(): string {
    return this.#uri
  }

  /** @internal Sessions come from `LegacyChatClient.startChat` or `attach`. */
  static open(transport: Transport, uri: URL): ChatSession {
    return new ChatSession(transport, uri)
  }

  /** The chat resource's links as last read, or `undefined` before the first read. */
  get links(): Links | undefined {
    return this.#chatLinks
  }

  /** Reads the whole chat resource — events from `from`, info and links — in one request. */
  async snapshot(options: FromOptions = {}): Promise<ChatSnapshot> {
    const uri = options.from === undefined ? this.uri : withFrom(this.#uri, checkFrom(options.from))
    return this.readChat(uri, options, this.#uri)
  }

  /**
   * Follows a `next` link of the chat resource: the events after the last read, with info and
   * links, in one request. This is the poll. Check the link with {@link trustedNextLink} first;
   * the origin policy applies to it like to every URI.
   */
  async followNext(next: URL, options: RequestOptions = {}): Promise<ChatSnapshot> {
    return this.readChat(next, options, this.#chatLinks?.resourceHref ?? this.#uri)
  }

  /** Reads the events section alone (`events` relation), from `from`. */
  async events(options: FromOptions = {}): Promise<EventsPage> {
    const uri = await this.chatLink('events', options)
    if (options.from !== undefined) uri.searchParams.set('from', String(checkFrom(options.from)))
    return this.readEvents(uri, options)
  }

  /** Follows a `next` link of an events page. */
  async followEvents(next: URL, options: RequestOptions = {}): Promise<EventsPage> {
    return this.readEvents(next, options)
  }

  /** Reads the info section alone (`info` relation). */
  async info(options: RequestOptions = {}): Promise<ChatInfo> {
    const uri = await this.chatLink('info', options)
    const response = await this.#transport.send({ ...options, method: 'GET', uri, via: this.#uri })
    const info = toInfo(this.#transport.decode(InfoDocument, response).info, response.uri, this.#uri, this.#infoLinks)
    this.#infoLinks = info.links
    return info
  }

  /**
   * Adds a visitor line (`POST` to the `events` relation). Resolves to the new event's id, read from
   * the `Location` the server answers with, or `undefined` when that carries none.
   * The server refuses lines while the chat is `waiting` (400, internalCode 5).
   */
  async addLine(text: string, options: RequestOptions = {}): Promise<number | undefined> {
    const response = await this.post('events', { event: { '@type': 'line', text } }, options)
    return response.location === undefined ? undefined : trailingId(response.location)
  }

  /** Ends the chat (`POST` state `ended` to the `events` relation). The resource stays readable until dropped. */
  async end(options: RequestOptions = {}): Promise<void> {
    await this.post('events', { event: { '@type': 'state', state: 'ended' } }, options)
  }

  /** The visitor's name as the agent sees it (`visitor-name` relation). */
  async visitorName(options: RequestOptions = {}): Promise<string> {
    return this.getScalar('visitor-name', VisitorNameDocument, 'visitorName', options)
  }

  /** Sets the visitor's name (PUT to `visitor-name`). */
  async setVisitorName(name: string, options: RequestOptions = {}): Promise<void> {
    await this.put(await this.infoLink('visitor-name', options), { visitorName: name }, options)
  }

  /** The visitor's typing status (`visitor-typing` relation). */
  async visitorTyping(options: RequestOptions = {}): Promise<TypingStatus> {
    return asTyping(await this.getScalar('visitor-typing', VisitorTypingDocument, 'visitorTyping', options))
  }

  /** Sets the visitor's typing status (PUT to `visitor-typing`); refused (400) once the chat ended. */
  async setVisitorTyping(status: 'typing' | 'not-typing', options: RequestOptions = {}): Promise<void> {
    await this.put(await this.infoLink('visitor-typing', options), { visitorTyping: status }, options)
  }

  /** The agent's typing status (`agent-typing` relation): the cheapest request that keeps a chat alive. */
  async agentTyping(options: RequestOptions = {}): Promise<TypingStatus> {
    return asTyping(await this.getScalar('agent-typing', AgentTypingDocument, 'agentTyping', options))
  }

  /** Asks the server to mail the transcript (PUT to `transcript-request`, or `transcript-with-subject-request` with a subject). */
  async requestTranscript(request: TranscriptRequest, options: RequestOptions = {}): Promise<void> {
    const rel = request.subject === undefined ? 'transcript-request' : 'transcript-with-subject-request'
    const body: Record<string, unknown> = { email: request.email }
    if (request.subject !== undefined) body['subject'] = request.subject
    if (request.timezoneOffsetMs !== undefined) body['timezoneOffset'] = request.timezoneOffsetMs
    await this.put(await this.chatLink(rel, options), body, options)
  }

  /** Reads the exit survey's structure (`exit-survey` relation), optionally by survey name. */
  async exitSurvey(options: RequestOptions & { readonly surveyName?: string } = {}): Promise<Survey> {
    const uri = await this.chatLink('exit-survey', options)
    if (options.surveyName !== undefined) uri.searchParams.set('surveyName', options.surveyName)
    const response = await this.#transport.send({ ...options, method: 'GET', uri, via: this.#uri })
    return toSurvey(this.#transport.decode(SurveyDocument, response))
  }

  /** Submits exit survey answers (PUT to `exit-survey`). */
  async submitExitSurvey(surveyId: string | number, answers: readonly SurveyAnswer[], options: RequestOptions = {}): Promise<void> {
    const question = answers.map((answer) => ({ id: answer.id, answer: answer.answer }))
    await this.put(await this.chatLink('exit-survey', options), { survey: { id: surveyId, question } }, options)
  }

  /** Sets custom variables (PUT to the deprecated `custom-variables` relation); `E_RELATION_MISSING` when the chat offers none. */
  async setCustomVariables(variables: readonly CustomVariable[], options: RequestOptions = {}): Promise<void> {
    const customVariable = variables.map(({ name, value }) => ({ name, value }))
    await this.put(await this.chatLink('custom-variables', options), { customVariables: { customVariable } }, options)
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private async readChat(uri: URL, options: RequestOptions, via: string): Promise<ChatSnapshot> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri, via })
    const snapshot = toSnapshot(this.#transport.decode(ChatDocument, response), response.uri, this.#uri, { chat: this.#chatLinks, info: this.#infoLinks })
    this.#chatLinks = snapshot.links
    if (snapshot.info !== undefined) this.#infoLinks = snapshot.info.links
    return snapshot
  }

  private async readEvents(uri: URL, options: RequestOptions): Promise<EventsPage> {
    const response = await this.#transport.send({ ...options, method: 'GET', uri, via: this.#uri })
    return toEventsPage(this.#transport.decode(EventsDocument, response).events, response.uri, this.#uri)
  }

  private async getScalar(rel: string, codec: t.Decoder<unknown, Record<string, string>>, key: string, options: RequestOptions): Promise<string> {
    const uri = await this.infoLink(rel, options)
    const response = await this.#transport.send({ ...options, method: 'GET', uri, via: this.#uri })
    return this.#transport.decode(codec, response)[key] ?? ''
  }

  private async post(rel: string, body: Record<string, unknown>, options: RequestOptions): Promise<{ location: URL | undefined }> {
    const uri = await this.chatLink(rel, options)
    return this.#transport.send({ ...options, method: 'POST', uri, body, via: this.#uri })
  }

  private async put(uri: URL, body: Record<string, unknown>, options: RequestOptions): Promise<void> {
    const request: TransportRequest = { ...options, method: 'POST', override: 'PUT', uri, body, via: this.#uri }
    await this.#transport.send(request)
  }

  private async chatLink(rel: string, options: RequestOptions): Promise<URL> {
    const links = this.#chatLinks ?? (await this.snapshot(options)).links
    return links.require(rel)
  }

  private async infoLink(rel: string, options: RequestOptions): Promise<URL> {
    const links = this.#infoLinks ?? (await this.info(options)).links
    return links.require(rel)
  }
}

function asTyping(value: string): TypingStatus {
  return value === 'typing' || value === 'not-typing' ? value : 'unknown'
}

function checkFrom(from: number): number {
  if (!Number.isSafeInteger(from) || from < 0) throw new InvalidArgumentError(`from must be a non-negative integer, e.g. chat.snapshot({ from: 0 }); got ${from}`)
  return from
}
