// The chat window: a Messaging consumer in plain ES modules. It finds the messaging and identity
// hosts (CSDS), gets or reuses a consumer JWT, connects, and either resumes the consumer's open
// conversation from the last sequence it saw or offers to start one. What the server says is shown
// through ChatView; the conversation's lines are kept once each, by sequence, in a Transcript.

import { accountIdOf, consumerJwt, forgetJwt, lookUpHost, socketUrl } from './boot.js'
import { ChatView } from './chat-view.js'
import { MessagingClient } from './messaging-client.js'
import { Transcript } from './transcript.js'
import { TypingSignal } from './typing-signal.js'

const CLOSE_REASONS = { CONSUMER: 'you ended it', AGENT: 'the agent ended it', SYSTEM: 'it timed out or the service ended it' }

const view = new ChatView(document)
const storage = window.localStorage
const accountId = accountIdOf(location, document)

/** The conversation shown: `{ id, dialogId, transcript, closed, closedText, subscribed }`, or undefined. */
let conversation
/** The cqm subscription of the current socket, and whether its first listing has arrived. */
let subscriptionId
let listed = false

const hosts = {}
async function host(service) {
  hosts[service] ??= await lookUpHost(accountId, service)
  return hosts[service]
}

const client = new MessagingClient({
  url: async () => socketUrl(accountId, await host('asyncMessagingEnt'), location.protocol),
  jwt: async () => consumerJwt({ accountId, idpHost: await host('idp'), storage, protocol: location.protocol }),
  renewIdentity: () => forgetJwt(accountId, storage),
  onReady: () => void subscribeConversations(),
  onNotification,
  onDisconnected: (reason) => {
    if (conversation !== undefined) conversation.subscribed = false
    typing.reset()
    view.setMode('connecting')
    view.setStatus('connecting', reason)
  },
})

const typing = new TypingSignal((chatState) => {
  if (conversation === undefined || conversation.closed) return
  publish({ type: 'ChatStateEvent', chatState }).catch(() => undefined)
})

async function subscribeConversations() {
  subscriptionId = undefined
  listed = false
  view.setStatus('connecting', 'Looking for your conversation…')
  const response = await client.request('cqm.SubscribeExConversations', { brandId: accountId, convState: ['OPEN'] }).catch(failed)
  if (response === undefined) return
  if (response.code !== 200) return failed(new Error(`the conversation list answered ${response.code}`))
  // Its first notification lists the consumer's OPEN conversations (see onNotification).
  subscriptionId = response.body?.subscriptionId
}

function onNotification(notification) {
  const { type, body } = notification
  if (type === 'cqm.ExConversationChangeNotification') {
    // Route by subscription id: an older subscription's notifications are not this window's.
    if (body.subscriptionId !== subscriptionId) return
    if (!listed) {
      listed = true
      return onListing(body.changes)
    }
    for (const change of body.changes) onConversationChange(change)
  } else if (type === 'ms.MessagingEventNotification') {
    for (const change of body.changes) onMessagingChange(change)
  }
}

/** The first listing: resume the open conversation, or offer to start one. */
function onListing(changes) {
  const open = changes.find((change) => change.type === 'UPSERT' && change.result?.conversationDetails?.state === 'OPEN')
  if (open !== undefined) return adopt(open.result)
  // An open one closed while this window was away.
  if (conversation !== undefined && !conversation.closed) return closed(undefined)
  view.setMode('idle')
  if (conversation === undefined) view.setStatus('idle', 'Start a chat whenever you are ready.')
  else view.setStatus('closed', conversation.closedText)
}

function onConversationChange(change) {
  const result = change.result
  if (change.type !== 'UPSERT' || result === undefined) return
  if (conversation !== undefined && result.convId === conversation.id) return applyDetails(result.conversationDetails)
  // A conversation this consumer opened elsewhere (another tab) while this window had none open.
  if ((conversation === undefined || conversation.closed) && result.conversationDetails?.state === 'OPEN') adopt(result)
}

/** Shows `result`'s conversation (its saved lines first) and subscribes to its events. */
function adopt(result) {
  if (conversation?.id !== result.convId) {
    const dialog = result.conversationDetails?.dialogs?.find((d) => d.dialogType === 'MAIN') ?? result.conversationDetails?.dialogs?.[0]
    conversation = {
      id: result.convId,
      dialogId: dialog?.dialogId ?? result.convId,
      transcript: new Transcript(storage, accountId, result.convId),
      closed: false,
      closedText: '',
      subscribed: false,
    }
    view.clearLines()
    for (const line of conversation.transcript.lines) view.showLine(line)
  }
  if (result.conversationDetails !== undefined) applyDetails(result.conversationDetails)
  if (!conversation.subscribed && !conversation.closed) {
    conversation.subscribed = true
    const { id, dialogId, transcript } = conversation
    client
      .request('ms.SubscribeMessagingEvents', { conversationId: id, dialogId, fromSeq: transcript.fromSeq })
      .then((response) => {
        if (response.code !== 200) failed(new Error(`subscribing to the conversation answered ${response.code}`))
      }, failed)
  }
}

function applyDetails(details) {
  if (details.state === 'CLOSE') return closed(details.closeReason)
  view.setMode('open')
  const agent = details.participants?.some((participant) => participant.role === 'ASSIGNED_AGENT')
  if (agent) view.setStatus('chatting', 'An agent has joined. You are chatting.')
  else view.setStatus('waiting', 'Waiting for an agent…')
}

function closed(closeReason) {
  if (conversation === undefined || conversation.closed) return
  conversation.closed = true
  conversation.transcript.forget()
  typing.reset()
  view.setMode('idle')
  conversation.closedText = `The chat has ended${closeReason in CLOSE_REASONS ? `: ${CLOSE_REASONS[closeReason]}` : ''}.`
  view.setStatus('closed', conversation.closedText)
  view.startButton.textContent = 'Start a new chat'
}

function onMessagingChange(change) {
  if (conversation === undefined || (change.conversationId ?? change.dialogId) !== conversation.id) return
  const event = change.event ?? {}
  const role = change.originatorMetadata?.role ?? 'CONTROLLER'
  if (event.type === 'ChatStateEvent') {
    if (role !== 'CONSUMER') view.showTyping(event.chatState === 'COMPOSING')
    return
  }
  if (event.type !== 'ContentEvent') return conversation.transcript.seen(change.sequence)
  if (!Number.isInteger(change.sequence)) return
  const line = { sequence: change.sequence, role, text: String(event.message ?? ''), time: change.serverTimestamp }
  conversation.transcript.add(line)
  view.showLine(line)
  if (role !== 'CONSUMER') view.showTyping(false)
}

function publish(event) {
  const { id, dialogId } = conversation
  return client.request('ms.PublishEvent', { conversationId: id, dialogId, event })
}

async function startChat() {
  view.startButton.disabled = true
  view.setStatus('waiting', 'Starting a chat…')
  const skillId = document.querySelector('meta[name="chatbridge-skill"]')?.getAttribute('content') || '-1'
  const response = await client.request('cm.ConsumerRequestConversation', { brandId: accountId, skillId }).catch(failed)
  view.startButton.disabled = false
  if (response === undefined) return
  if (response.code !== 200) return failed(new Error(`starting a chat answered ${response.code}`))
  const convId = response.body.conversationId
  // Its UPSERT may have come first and adopted it already, with fresher details than these.
  if (conversation?.id !== convId) adopt({ convId, conversationDetails: { state: 'OPEN', participants: [] } })
}

async function sendLine(text) {
  typing.stopped()
  const removePending = view.showPending(text)
  const response = await publish({ type: 'ContentEvent', contentType: 'text/plain', message: text }).catch(failed)
  // The line itself comes back from the server as a CONSUMER ContentEvent, shown by its sequence.
  removePending()
  if (response !== undefined && response.code !== 200) failed(new Error(`your message was not sent (${response.code})`))
}

async function endChat() {
  if (conversation === undefined || conversation.closed) return
  view.endButton.disabled = true
  const response = await client
    .request('cm.UpdateConversationField', {
      conversationId: conversation.id,
      conversationField: [{ field: 'ConversationStateField', conversationState: 'CLOSE' }],
    })
    .catch(failed)
  view.endButton.disabled = false
  if (response !== undefined && response.code !== 200) failed(new Error(`ending the chat answered ${response.code}`))
}

function failed(error) {
  view.setStatus('error', `Something went wrong: ${error.message}`)
  return undefined
}

if (accountId === undefined) {
  view.setStatus('error', 'No account: open this page as /?account=<your account id>.')
} else {
  view.startButton.addEventListener('click', () => void startChat())
  view.endButton.addEventListener('click', () => void endChat())
  view.input.addEventListener('input', () => {
    if (conversation !== undefined && !conversation.closed && view.input.value !== '') typing.typed()
  })
  view.compose.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = view.takeInput()
    if (text !== '' && conversation !== undefined && !conversation.closed) void sendLine(text)
  })
  window.addEventListener('pagehide', () => client.stop())
  view.setMode('connecting')
  void client.start()
}
