import { describe, expect, test, vi } from 'vitest'
import type { ExConversationChange, MessagingEventChange, SequencedEventChange, ServerFrame } from '@chatbridge/adapter'
import { demoGreeting, demoVisitorLines } from '../src/demo-script.js'
import { frames, runCli } from './run-cli.js'

// Each test runs the built command as a process; several run at once.
vi.setConfig({ testTimeout: 45_000 })

const messaging = (all: readonly ServerFrame[]): MessagingEventChange[] =>
  all.flatMap((frame) => (frame.kind === 'notification' && frame.type === 'ms.MessagingEventNotification' ? frame.body.changes : []))
const conversations = (all: readonly ServerFrame[]): ExConversationChange[] =>
  all.flatMap((frame) => (frame.kind === 'notification' && frame.type === 'cqm.ExConversationChangeNotification' ? frame.body.changes : []))

describe.concurrent('chatbridge demo --json', () => {
  test('plays the whole conversation (legacy side in XML) as Messaging frames and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--json', '--format', 'xml'], { timeoutMs: 15_000 })
    expect(stderr).toContain('embedded legacy chat server')
    expect(stderr).toContain('pnpm chatbridge gateway')
    expect(code).toBe(0)
    const all = frames(stdout) // every line is one JSON frame

    // Every request got a 200 response.
    const responses = all.filter((frame) => frame.kind === 'resp')
    expect(responses.map((frame) => frame.code)).toEqual(responses.map(() => 200))
    expect(responses.map((frame) => frame.type)).toEqual(
      expect.arrayContaining(['cm.RequestConversationResponse', 'GenericSubscribeResponse', 'ms.PublishEventResponse']),
    )
    const conversationId = (responses.find((frame) => frame.type === 'cm.RequestConversationResponse')?.body as { conversationId: string }).conversationId

    // Waiting, the agent joining, the visitor closing.
    const upserts = conversations(all).map((change) => change.result.conversationDetails)
    expect(upserts[0]).toMatchObject({ state: 'OPEN', stage: 'OPEN', participants: [{ role: 'CONSUMER' }] })
    expect(upserts.some((details) => details.state === 'OPEN' && details.participants.some((p) => p.role === 'ASSIGNED_AGENT' && p.id === '7'))).toBe(true)
    expect(upserts.at(-1)).toMatchObject({ state: 'CLOSE', stage: 'CLOSE', closeReason: 'CONSUMER' })
    expect(conversations(all).every((change) => change.result.convId === conversationId)).toBe(true)

    // Lines both ways, in order, each sequence once; the HTML line as safe text with its HTML kept.
    const changes = messaging(all)
    const sequenced = changes.filter((change): change is SequencedEventChange => 'sequence' in change)
    const sequences = sequenced.map((change) => change.sequence)
    expect(sequences).toEqual([...new Set(sequences)].sort((a, b) => a - b))
    const lines = sequenced.flatMap((change) => (change.event.type === 'ContentEvent' ? [[change.originatorMetadata.role, change.event.message] as const] : []))
    expect(lines.filter(([role]) => role === 'CONSUMER').map(([, message]) => message)).toEqual([...demoVisitorLines])
    const agentLines = sequenced.filter((change) => change.originatorMetadata.role === 'ASSIGNED_AGENT')
    expect(agentLines).toHaveLength(2)
    const greeting = agentLines[0]
    expect(greeting?.event).toEqual({ type: 'ContentEvent', contentType: 'text/plain', message: 'Hi, I’m Natalie. How can I help?' })
    expect(greeting?.metadata).toEqual([{ type: 'LegacyHtml', html: demoGreeting }])
    expect(lines.map(([, message]) => message).join('\n')).not.toMatch(/<|alert/)
    expect(lines.some(([role]) => role === 'CONTROLLER')).toBe(true)

    // Typing: the agent composes before each answer and chat-state changes carry no sequence.
    const typing = changes.filter((change) => change.event.type === 'ChatStateEvent')
    expect(typing.map((change) => change.event.type === 'ChatStateEvent' && change.event.chatState)).toContain('COMPOSING')
    expect(typing.every((change) => !('sequence' in change) && change.originatorMetadata.role === 'ASSIGNED_AGENT')).toBe(true)

    // Every change belongs to the one conversation; the last frame is its close.
    expect(changes.every((change) => change.conversationId === conversationId && change.dialogId === conversationId)).toBe(true)
    const last = all.at(-1)
    expect(last?.kind === 'notification' && last.type === 'cqm.ExConversationChangeNotification' && last.body.changes[0]?.result.conversationDetails.state).toBe('CLOSE')
  })
})

test.concurrent('chatbridge demo prints a readable transcript with the legacy side next to it', async () => {
  const { code, stdout } = await runCli(['demo'], { timeoutMs: 15_000 })
  expect(code).toBe(0)
  expect(stdout).toMatch(/● conversation OPEN participants CONSUMER\s+│ #0 state waiting/)
  expect(stdout).toMatch(/ASSIGNED_AGENT\s+Hi, I’m Natalie\. How can I help\?\s+│ #\d+ line agent html "<p>Hi/)
  expect(stdout).toMatch(/is typing… \(COMPOSING\)\s+│ info agentTyping typing/)
  expect(stdout).toMatch(/● conversation CLOSE closeReason CONSUMER\s+│ #\d+ state ended/)
  expect(stdout).not.toContain('\u001b[') // NO_COLOR
})

test.concurrent('chatbridge demo --interactive refuses to run without a terminal', async () => {
  const { code, stderr } = await runCli(['demo', '--interactive'])
  expect(code).toBe(2)
  expect(stderr.trim()).toBe('chatbridge: demo: --interactive needs a terminal on standard input (see chatbridge demo --help)')
})
