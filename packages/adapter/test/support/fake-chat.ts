import type { StartChatRequest } from '@chatbridge/core'
import type { ChatClientPort, ChatSessionPort, LegacyEvent, LegacyInfo, LegacySnapshot } from '../../src/legacy-contract.js'
import { info, snapshot } from './legacy-builders.js'

/** An in-memory legacy chat: the test appends events and sets info; reads serve them. */
export class FakeChat implements ChatSessionPort {
  readonly conversationId: string
  readonly events: LegacyEvent[] = []
  info: LegacyInfo = info()
  readonly lines: string[] = []

  constructor(conversationId: string) {
    this.conversationId = conversationId
  }

  push(event: LegacyEvent): void {
    this.events.push(event)
  }

  snapshot(options?: { from?: number }): Promise<LegacySnapshot> {
    return Promise.resolve(snapshot(this.events.filter((e) => e.id >= (options?.from ?? 0)), this.info))
  }
  followNext(next: URL): Promise<LegacySnapshot> {
    return this.snapshot({ from: Number(next.searchParams.get('from') ?? 0) })
  }
  addLine(text: string): Promise<number> {
    this.lines.push(text)
    return Promise.resolve(this.events.length)
  }
  end(): Promise<void> {
    return Promise.resolve()
  }
  setVisitorName(): Promise<void> {
    return Promise.resolve()
  }
  setVisitorTyping(): Promise<void> {
    return Promise.resolve()
  }
}

/** A client whose chats are {@link FakeChat}s. */
export class FakeClient implements ChatClientPort {
  readonly chats = new Map<string, FakeChat>()
  readonly requests: StartChatRequest[] = []
  closed = false

  startChat(request: StartChatRequest = {}): Promise<ChatSessionPort> {
    this.requests.push(request)
    const chat = new FakeChat(`fake-${this.chats.size + 1}`)
    this.chats.set(chat.conversationId, chat)
    return Promise.resolve(chat)
  }
  attach(id: string | URL): ChatSessionPort {
    const chat = this.chats.get(String(id)) ?? new FakeChat(String(id))
    this.chats.set(chat.conversationId, chat)
    return chat
  }
  close(): Promise<void> {
    this.closed = true
    return Promise.resolve()
  }
}
