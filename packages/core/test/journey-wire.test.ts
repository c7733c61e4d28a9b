import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { ForeignOriginError, LegacyChatClient, RelationMissingError } from '@chatbridge/core'
import { APP_KEY, CHAT_ID, CHAT_URI, ORIGIN, ROOT, fixture, useNock } from './support.js'

useNock()

const base = `/api/account/12345678`
const chatPath = `${base}/chat/${CHAT_ID}`
function withoutLink(text: string): string {
  const document = JSON.parse(text) as { chat: { link: { '@rel': string }[] } }
  document.chat.link = document.chat.link.filter((link) => link['@rel'] !== 'custom-variables')
  return JSON.stringify(document)
}

const mediaType = { json: 'application/json', xml: 'application/xml' } as const

describe.each(['json', 'xml'] as const)('the journey on the wire, in %s', (format) => {
  const client = (): LegacyChatClient => new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, format, transport: 'fetch' })

  it('is E_RELATION_MISSING when the chat offers no custom-variables link, and sends nothing', async () => {
    const seed = format === 'json' ? withoutLink(fixture('seed-chat.json')) : fixture('seed-chat.xml').split('\n').filter((line) => !line.includes('custom-variables')).join('\n')
    nock(ORIGIN).get(chatPath).query(true).reply(200, seed, { 'content-type': mediaType[format] })
    const c = client()
    try {
      const chat = c.attach(CHAT_URI)
      await chat.snapshot()
      const error = await chat.setCustomVariables([{ name: 'plan', value: 'gold' }]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RelationMissingError)
      expect((error as RelationMissingError).code).toBe('E_RELATION_MISSING')
    } finally {
      await c.close()
    }
  })

  it('refuses an account-resource link to a foreign origin before sending a byte there', async () => {
    const account =
      format === 'json'
        ? JSON.stringify({ account: { link: { '@href': 'https://evil.example/api/account/12345678/chat/request', '@rel': 'chat-request' } } })
        : '<account><link href="https://evil.example/api/account/12345678/chat/request" rel="chat-request"/></account>'
    nock(ORIGIN).get(base).query(true).reply(200, account, { 'content-type': mediaType[format] })
    const c = client()
    try {
      expect(await c.startChat().catch((e: unknown) => e)).toBeInstanceOf(ForeignOriginError)
    } finally {
      await c.close()
    }
  })
})

it('sends pre-chat answers, custom variables and an offline survey in the documented shapes (json)', async () => {
  const bodies: unknown[] = []
  const keep = (body: unknown): boolean => {
    bodies.push(body)
    return true
  }
  nock(ORIGIN).get(base).query(true).reply(404, JSON.stringify({ error: { message: 'null for uri', internalCode: 28 } }), { 'content-type': 'application/json' })
  nock(ORIGIN).post(`${base}/chat/request`, keep).query(true).reply(201, '', { location: CHAT_URI })
  nock(ORIGIN).get(chatPath).query(true).reply(200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
  nock(ORIGIN, { reqheaders: { 'x-http-method-override': 'PUT' } }).post(/customVariables/, keep).query(true).reply(200)
  nock(ORIGIN, { reqheaders: { 'x-http-method-override': 'PUT' } }).post(`${base}/chat/offlineSurvey`, keep).query(true).reply(200)
  const c = new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, transport: 'fetch' })
  try {
    const chat = await c.startChat({ skill: 'Sales', survey: { surveyId: 40216, answers: [{ id: '40217', answer: 'Ada' }, { id: 40218, answer: ['a', 'b'] }] } })
    await chat.setCustomVariables([{ name: 'plan', value: 'gold' }])
    await c.submitOfflineSurvey({ surveyId: 361350, answers: [{ id: 1, answer: 'x' }], LETagVisitorId: 'v', LETagSessionId: 's', LETagContextId: '2', visitorIp: '192.0.2.1' })
  } finally {
    await c.close()
  }
  expect(bodies).toEqual([
    { request: { skill: 'Sales', survey: { id: 40216, question: [{ id: '40217', answer: 'Ada' }, { id: 40218, answer: ['a', 'b'] }] } } },
    { customVariables: { customVariable: [{ name: 'plan', value: 'gold' }] } },
    { survey: { id: 361350, question: [{ id: 1, answer: 'x' }] }, LETagVisitorId: 'v', LETagSessionId: 's', LETagContextId: '2', visitorIp: '192.0.2.1' },
  ])
})
