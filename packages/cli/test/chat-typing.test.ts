import { startLegacyChatServer } from '@chatbridge/testing'
import { expect, onTestFinished, test, vi } from 'vitest'
import { startCli } from './run-cli.js'

vi.setConfig({ testTimeout: 45_000 })

test.each(['json', 'xml'] as const)('chat (%s): a line being typed sets the visitor typing; sending it clears it', async (format) => {
  const server = await startLegacyChatServer()
  onTestFinished(() => server.close())
  const next = server.nextChat()
  const cli = startCli(['chat', '--skill', 'Sales', '--json', '--format', format, '--account-root', server.accountRoot], { CHATBRIDGE_APP_KEY: server.appKey })
  onTestFinished(() => void cli.child.kill())
  const chat = await next
  chat.accept({ name: 'Natalie', id: 7 })
  // ServedChat's waitUntil: checked on every change the server makes (a real signal); the LegacyChat interface does not list it.
  const served = chat as typeof chat & { waitUntil(check: () => boolean): Promise<void> }
  cli.child.stdin.write('hel')
  await served.waitUntil(() => chat.visitorTyping === 'typing')
  cli.child.stdin.write('lo\n')
  await chat.waitForVisitorLine('hello')
  await served.waitUntil(() => chat.visitorTyping === 'not-typing')
  cli.child.stdin.end()
  expect(await cli.exit()).toBe(0)
})
