import { setTimeout as sleep } from 'node:timers/promises'
import { styleText } from 'node:util'
import { LegacyChatClient } from '@chatbridge/core'
import type { ChatEvent, ChatSnapshot } from '@chatbridge/core'
import { autoAgent, startLegacyChatServer } from '@chatbridge/testing'

/**
 * The demo: a legacy chat server on loopback with an agent that accepts and echoes, and a visitor
 * driven through `@chatbridge/core` — start, poll `next`, talk, end the chat. Exits 0 once the chat ended.
 */

const POLL_MS = 250
const VISITOR_LINES = ['Hi! Can chatbridge keep my Messaging code running on legacy chat?', 'Great, thanks!']

function show(event: ChatEvent): void {
  const seq = styleText('dim', `#${String(event.id).padStart(2)}`)
  switch (event.type) {
    case 'state':
      console.log(`${seq} ${styleText('yellow', `chat is ${event.state}`)}`)
      break
    case 'line': {
      const who = event.source === 'visitor' ? styleText('cyan', 'visitor') : event.source === 'agent' ? styleText('green', event.by ?? 'agent') : styleText('magenta', 'system')
      console.log(`${seq} ${who}: ${event.text}`)
      break
    }
    default:
      console.log(`${seq} ${styleText('dim', event.type)}`)
  }
}

async function main(): Promise<void> {
  const server = await startLegacyChatServer({ agent: autoAgent({ agent: { name: 'Natalie', id: 7 }, acceptAfterMs: 600, replyAfterMs: 400 }) })
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  console.log(styleText('bold', `legacy chat server at ${server.accountRoot}`))
  try {
    const chat = await client.startChat({ skill: 'Sales' })
    console.log(styleText('dim', `chat ${chat.conversationId}`))
    let snap: ChatSnapshot = await chat.snapshot({ from: 0 })
    const lines = [...VISITOR_LINES]
    let awaitingReply = false
    for (;;) {
      for (const event of snap.events.events) {
        show(event)
        if (event.type === 'line' && event.source === 'agent') awaitingReply = false
      }
      const state = snap.info?.state
      if (snap.events.events.some((event) => event.type === 'state' && event.state === 'ended') || state === 'ended') break
      if (state === 'chatting' && !awaitingReply) {
        const line = lines.shift()
        if (line !== undefined) {
          await chat.addLine(line)
          awaitingReply = true
        } else {
          await chat.end()
        }
      }
      await sleep(POLL_MS)
      snap = await chat.follow(snap.links.require('next'))
    }
    console.log(styleText('bold', 'chat ended'))
  } finally {
    await client.close()
    await server.close()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  process.exitCode = 1
})
