import { startLegacyChatServer } from '@chatbridge/testing'
import { expect, onTestFinished, test, vi } from 'vitest'
import { startCli } from './run-cli.js'

vi.setConfig({ testTimeout: 45_000 })

test.each(['json', 'xml'] as const)('chat --survey (%s): piped answers reach the chat request; an empty required answer is asked again', async (format) => {
  const server = await startLegacyChatServer()
  onTestFinished(() => server.close())
  const next = server.nextChat()
  const cli = startCli(['chat', '--survey', '--skill', 'Sales', '--json', '--format', format, '--account-root', server.accountRoot], { CHATBRIDGE_APP_KEY: server.appKey })
  onTestFinished(() => void cli.child.kill())
  // The default survey: "Your name" (required text), "Topics" (optional checkbox). Ids are read as strings (§12), so they go back as strings.
  cli.child.stdin.write('\nAnn\n2,1\n')
  const chat = await next
  const survey = chat.request['survey'] as { id: unknown; question: unknown }
  expect(String(survey.id)).toBe('40216')
  expect(survey.question).toEqual([
    { id: '40217', answer: 'Ann' },
    { id: '40218', answer: ['orders', 'billing'] },
  ])
  cli.child.stdin.end()
  expect(await cli.exit()).toBe(0)
  const stderr = cli.stderr().split('\n')
  expect(stderr.filter((line) => line.startsWith('Your name'))).toHaveLength(2)
  // The survey is asked before the chat is requested, and the line that says so comes after it.
  expect(stderr.findIndex((line) => line.includes('requesting a chat'))).toBeGreaterThan(stderr.findLastIndex((line) => line.startsWith('Topics')))
})

test('chat --survey with no survey configured says so and requests the chat without one', async () => {
  const server = await startLegacyChatServer({ journey: { preChatSurvey: { id: 1, questions: { question: [] } } } })
  onTestFinished(() => server.close())
  const next = server.nextChat()
  const cli = startCli(['chat', '--survey', '--json', '--account-root', server.accountRoot], { CHATBRIDGE_APP_KEY: server.appKey })
  onTestFinished(() => void cli.child.kill())
  const chat = await next
  expect(chat.request['survey']).toBeUndefined()
  cli.child.stdin.end()
  expect(await cli.exit()).toBe(0)
  expect(cli.stderr()).toContain('no pre-chat survey is configured for this account; requesting the chat without one')
})
