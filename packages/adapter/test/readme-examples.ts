// The code examples of the root README and docs/migration.md, type-checked with the tests
// (`pnpm typecheck`). Keep them in step: each function is one example, verbatim.
import { LegacyChatClient } from '@chatbridge/core'
import { AdapterError, Connection, createMessagingSocket } from '@chatbridge/adapter'
import type { ExConversationChange, MessagingEventChange, ResponseFrame, ServerFrame } from '@chatbridge/adapter'

declare const process: { env: Record<string, string | undefined> }

export async function reactiveExample(): Promise<void> {
  const client = new LegacyChatClient({ accountRoot: process.env['CHATBRIDGE_ACCOUNT_ROOT']!, appKey: process.env['CHATBRIDGE_APP_KEY']! })
  const connection = new Connection(client, {}, { ownsClient: true }) // one shared poll loop per chat

  const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
  connection.state$.subscribe((state) => console.log('poller', state.status)) // connecting | live | backing-off | closed
  connection.conversations$().subscribe(({ result }) => console.log('conversation', result.conversationDetails.state))

  connection.messagingEvents$(conversationId, { fromSeq: 0 }).subscribe({
    next: (change: MessagingEventChange) => {
      if (change.event.type === 'ContentEvent') console.log(`${change.originatorMetadata.role}: ${change.event.message}`)
      if (change.event.type === 'ChatStateEvent') console.log(`${change.originatorMetadata.role} is ${change.event.chatState}`)
    },
    error: (error: unknown) => console.error(error instanceof AdapterError ? error.code : error), // e.g. E_POLL_FAILED
    complete: () => void connection.close(), // the chat ended
  })

  // Queued while the chat waits for an agent; resolves with the line's sequence once it is sent.
  const { sequence } = await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'Hello!' })
  console.log('sent as', sequence)
}

export function socketExample(): void {
  // Was: new WebSocket(`wss://${domain}/ws_api/account/${accountId}/messaging/consumer?v=3`)
  const socket = createMessagingSocket({ accountRoot: process.env['CHATBRIDGE_ACCOUNT_ROOT']!, appKey: process.env['CHATBRIDGE_APP_KEY']! })
  let id = 0
  const send = (type: string, body: object = {}): void => socket.send(JSON.stringify({ kind: 'req', id: String(++id), type, body }))

  socket.onopen = () => {
    send('cqm.SubscribeExConversations', { convState: ['OPEN'] })
    send('cm.ConsumerRequestConversation', { skillId: 'Sales' })
  }
  socket.onmessage = ({ data }) => {
    const frame = JSON.parse(data) as ServerFrame
    if (frame.kind === 'resp' && frame.type === 'cm.RequestConversationResponse') {
      const { conversationId } = frame.body as { conversationId: string }
      send('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
      send('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'Hello!' } })
    } else if (frame.kind === 'notification' && frame.type === 'ms.MessagingEventNotification') {
      for (const change of frame.body.changes) if (change.event.type === 'ContentEvent') console.log(change.originatorMetadata.role, change.event.message)
    } else if (frame.kind === 'notification' && frame.type === 'cqm.ExConversationChangeNotification') {
      if (frame.body.changes.some((change: ExConversationChange) => change.result.conversationDetails.state === 'CLOSE')) socket.close()
    }
  }
}

// docs/migration.md

declare const accountRoot: string
declare const appKey: string
declare const skillId: string
declare const consumerJwt: string
declare const ui: {
  ready(): void
  fail(error: unknown): void
  showLine(source: string, text: string, textType?: string): void
  showTyping(typing: boolean): void
  showTyping(role: string, chatState: string): void
  showState(state: string): void
  showConversation(details: ExConversationChange['result']['conversationDetails']): void
  onSend(send: (text: string) => unknown): void
  onClose(close: () => unknown): void
}

export async function migrationStep1(): Promise<void> {
  const connection = new Connection(new LegacyChatClient({ accountRoot, appKey }), {}, { ownsClient: true })
  const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
  ui.ready()

  // The shim: Messaging changes → the handlers you already have.
  const source = { CONSUMER: 'visitor', ASSIGNED_AGENT: 'agent', CONTROLLER: 'system' } as const
  connection.messagingEvents$(conversationId).subscribe({
    next: (change) => {
      if (change.event.type === 'ContentEvent') ui.showLine(source[change.originatorMetadata.role as keyof typeof source], change.event.message, 'plain')
      if (change.event.type === 'ChatStateEvent') ui.showTyping(change.event.chatState === 'COMPOSING')
    },
    error: ui.fail,
  })
  connection.conversations$().subscribe(({ result }) => {
    const details = result.conversationDetails
    ui.showState(details.state === 'CLOSE' ? 'ended' : details.participants.some((p) => p.role === 'ASSIGNED_AGENT') ? 'chatting' : 'waiting')
  })
  ui.onSend((text) => connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: text }).catch(ui.fail))
  ui.onClose(() => connection.closeConversation(conversationId).catch(ui.fail))
}

export function migrationStep2(): void {
  const openSocket = () => createMessagingSocket({ accountRoot, appKey })

  const socket = openSocket()
  let nextId = 0
  const pending = new Map<string, (frame: ResponseFrame) => void>()
  const request = (type: string, body: object, headers?: object[]) =>
    new Promise<ResponseFrame>((resolve) => {
      const id = String(++nextId)
      pending.set(id, resolve)
      socket.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers ? { headers } : {}) }))
    })

  socket.onmessage = ({ data }) => {
    const frame = JSON.parse(data) as ServerFrame
    if (frame.kind === 'resp') pending.get(String(frame.reqId))?.(frame)
    else if (frame.type === 'ms.MessagingEventNotification')
      for (const change of frame.body.changes) {
        if (change.event.type === 'ContentEvent') ui.showLine(change.originatorMetadata.role, change.event.message)
        if (change.event.type === 'ChatStateEvent') ui.showTyping(change.originatorMetadata.role, change.event.chatState)
      }
    else if (frame.type === 'cqm.ExConversationChangeNotification')
      for (const change of frame.body.changes) ui.showConversation(change.result.conversationDetails)
  }

  const start = async () => {
    await request('InitConnection', {}, [{ type: '.ams.headers.ConsumerAuthentication', jwt: consumerJwt }])
    await request('cqm.SubscribeExConversations', { convState: ['OPEN'] })
    const { body } = await request('cm.ConsumerRequestConversation', { skillId })
    const { conversationId } = body as { conversationId: string }
    await request('ms.SubscribeMessagingEvents', { dialogId: conversationId, fromSeq: 0 })
    ui.onSend((message) => request('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message } }))
    ui.onClose(() => request('cm.UpdateConversationField', { conversationId, conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }] }))
  }
  socket.onopen = () => void start().catch(ui.fail)
}
