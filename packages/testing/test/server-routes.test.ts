import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LegacyChatServer } from '../src/index.js'
import { startLegacyChatServer } from '../src/index.js'
import { at, formats, list, relOrder, rels, visitor, xmlBody } from './helpers.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(() => server.close())

const chatIdPattern = /^H\d{19}-[0-9a-f]{32}K\d{7}$/

describe.each(formats)('routes in %s', (format) => {
  const client = () => visitor(server, format)

  it('starts a chat: 201, empty body, Location with a chat URI shaped like the real ones', async () => {
    const response = await client().post(`${server.accountRoot}/chat/request`, { request: { skill: 'Sales', interactionTimeout: 120 } })
    expect(response.status).toBe(201)
    expect(response.text).toBe('')
    const location = response.headers.get('location') ?? ''
    expect(location.startsWith(`${server.accountRoot}/chat/`)).toBe(true)
    expect(location.split('/').at(-1)).toMatch(chatIdPattern)
    const chat = server.chat(location.split('/').at(-1) ?? '')
    expect(chat?.chatTimeoutS).toBe(120)
  })

  it('takes an XML chat request body', async () => {
    const response = await client().post(`${server.accountRoot}/chat/request`, '<request><skill>Support</skill><interactionTimeout>90</interactionTimeout></request>')
    expect(response.status).toBe(201)
    const chat = server.chat(response.headers.get('location')?.split('/').at(-1) ?? '')
    expect(chat?.request['skill']).toBe('Support')
    expect(chat?.chatTimeoutS).toBe(90)
  })

  it('serves the chat resource with the reference links, events from `from`, and info', async () => {
    const v = client()
    const uri = await v.startChat()
    const response = await v.get(uri)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain(format === 'xml' ? 'application/xml' : 'application/json')
    const chat = at(response.doc, 'chat')
    expect(relOrder(chat)).toEqual(['self', 'events', 'info', 'next', 'transcript-request', 'transcript-with-subject-request', 'exit-survey', 'custom-variables'])
    expect(rels(chat)).toMatchObject({
      self: uri,
      events: `${uri}/events`,
      info: `${uri}/info`,
      next: `${uri}?from=2`,
      'transcript-request': `${uri}/transcriptRequest`,
      'transcript-with-subject-request': `${uri}/transcriptWithSubjectRequest`,
      'exit-survey': `${uri}/exitSurvey`,
      'custom-variables': `${uri}/customVariables`,
    })
    expect(rels(at(chat, 'events'))).toEqual({ self: `${uri}/events`, next: `${uri}/events?from=2` })
    const events = list(at(chat, 'events.event'))
    expect(events.map((e) => [e['@id'], e['@type']])).toEqual([['0', 'state'], ['1', 'line']])
    expect(events[0]).toMatchObject({ state: 'waiting' })
    expect(events[1]).toMatchObject({ text: 'Thank you for choosing to chat with us.', source: 'system', by: 'info', textType: 'plain' })
    expect(String(events[1]?.['systemMessageId'])).toBe('4')
    expect(String(events[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/)
    expect(relOrder(at(chat, 'info'))).toEqual(['self', 'visitor-name', 'visitor-typing', 'agent-typing'])
    expect(rels(at(chat, 'info'))).toMatchObject({ 'visitor-name': `${uri}/info/visitorName`, 'agent-typing': `${uri}/info/agentTyping` })
    expect(at(chat, 'info.state')).toBe('waiting')
    expect(at(chat, 'info.chatSessionKey')).toBe(uri.split('/').at(-1))
    expect(String(at(chat, 'info.chatTimeout'))).toBe('40')
    expect(at(chat, 'info.skillName')).toBe('Sales')

    const later = await v.get(`${uri}?from=1`)
    expect(list(at(later.doc, 'chat.events.event')).map((e) => e['@id'])).toEqual(['1'])
    const none = await v.get(`${uri}?from=2`)
    // No events at or after `from`: the `event` key is left out (reference §12).
    expect(at(none.doc, 'chat.events.event')).toBeUndefined()
    expect(rels(at(none.doc, 'chat')).next).toBe(`${uri}?from=2`)
  })

  it('adds visitor lines (201 + Location of the event) and serves them through events?from', async () => {
    const v = client()
    const uri = await v.startChat()
    const chat = await waitForChat(uri)
    chat.accept({ name: 'Natalie', id: 25025413 })
    const added = await v.post(`${uri}/events`, v.line('hello & <welcome>'))
    expect(added.status).toBe(201)
    expect(added.headers.get('location')).toBe(`${uri}/events/4`)
    const events = await v.get(`${uri}/events?from=2`)
    expect(events.status).toBe(200)
    expect(rels(at(events.doc, 'events')).next).toBe(`${uri}/events?from=5`)
    const list2 = list(at(events.doc, 'events.event'))
    expect(list2.map((e) => e['@id'])).toEqual(['2', '3', '4'])
    expect(list2[1]).toMatchObject({ text: 'You are now chatting with Natalie.', source: 'system' })
    expect(list2[2]).toMatchObject({ '@type': 'line', text: 'hello & <welcome>', source: 'visitor', by: 'You', textType: 'plain' })
    const single = await v.get(`${uri}/events/4`)
    expect(at(single.doc, 'event.text')).toBe('hello & <welcome>')
  })

  it('ends the chat with POST state ended', async () => {
    const v = client()
    const uri = await v.startChat()
    const ended = await v.post(`${uri}/events`, v.ended())
    expect(ended.status).toBe(201)
    expect(ended.headers.get('location')).toBe(`${uri}/events/2`)
    const info = await v.get(`${uri}/info`)
    expect(at(info.doc, 'info.state')).toBe('ended')
    expect(server.chat(uri.split('/').at(-1) ?? '')?.endReason).toBe('visitor')
  })

  it('serves info, visitor name, visitor typing and agent typing', async () => {
    const v = client()
    const uri = await v.startChat({ request: { skill: 'Sales', LETagVisitorId: 'vis', LETagSessionId: 'ses', LETagContextId: '2', engagementId: 27469613, campaignId: 26948813, language: 'en-US' } })
    const chat = await waitForChat(uri)
    chat.accept({ name: 'Natalie', id: 25025413 })
    const info = await v.get(`${uri}/info`)
    expect(info.status).toBe(200)
    expect(at(info.doc, 'info')).toMatchObject({ state: 'chatting', agentName: 'Natalie', sharkVisitorId: 'vis', sharkSessionId: 'ses', language: 'en-US' })
    expect(String(at(info.doc, 'info.agentId'))).toBe('25025413')
    expect(String(at(info.doc, 'info.engagementId'))).toBe('27469613')

    expect(at((await v.get(`${uri}/info/visitorName`)).doc, 'visitorName')).toBe('You')
    const rename = await v.put(`${uri}/info/visitorName`, v.field('visitorName', 'Natalie V'))
    expect(rename.status).toBe(201)
    expect(at((await v.get(`${uri}/info/visitorName`)).doc, 'visitorName')).toBe('Natalie V')
    await v.post(`${uri}/events`, v.line('hi'))
    expect(chat.events.at(-1)).toMatchObject({ by: 'Natalie V' })

    expect(at((await v.get(`${uri}/info/visitorTyping`)).doc, 'visitorTyping')).toBe('not-typing')
    expect((await v.put(`${uri}/info/visitorTyping`, v.field('visitorTyping', 'typing'))).status).toBe(200)
    expect(at((await v.get(`${uri}/info/visitorTyping`)).doc, 'visitorTyping')).toBe('typing')
    expect(chat.visitorTyping).toBe('typing')

    expect(at((await v.get(`${uri}/info/agentTyping`)).doc, 'agentTyping')).toBe('not-typing')
    chat.typing(true)
    expect(at((await v.get(`${uri}/info/agentTyping`)).doc, 'agentTyping')).toBe('typing')
  })

  it('takes transcript requests, with and without subject', async () => {
    const v = client()
    const uri = await v.startChat()
    const chat = await waitForChat(uri)
    expect((await v.put(`${uri}/transcriptRequest`, v.field('email', 'visitor@example.com'))).status).toBe(200)
    const withSubject = format === 'json' ? { email: 'v@example.com', subject: 'Our chat' } : '<transcriptRequest><email>v@example.com</email><subject>Our chat</subject></transcriptRequest>'
    expect((await v.put(`${uri}/transcriptWithSubjectRequest`, withSubject)).status).toBe(200)
    expect(chat.transcriptRequests).toHaveLength(2)
    expect((await v.put(`${uri}/transcriptRequest`, v.field('email', 'not-an-address'))).status).toBe(400)
  })

  it('serves the exit survey and takes answers', async () => {
    const v = client()
    const uri = await v.startChat()
    const chat = await waitForChat(uri)
    const survey = await v.get(`${uri}/exitSurvey`)
    expect(survey.status).toBe(200)
    expect(list(at(survey.doc, 'survey.questions.question')).length).toBe(2)
    const answers = format === 'json' ? { survey: { id: 361346, question: [{ id: 4991311, answer: 'yes' }] } } : '<survey><id>361346</id><question><id>4991311</id><answer>yes</answer></question></survey>'
    expect((await v.put(`${uri}/exitSurvey`, answers)).status).toBe(200)
    expect(chat.surveyAnswers).toHaveLength(1)
  })

  it('answers availability, estimated wait time and available slots', async () => {
    const v = client()
    expect(String(at((await v.get(`${server.accountRoot}/chat/availability?skill=Sales`)).doc, 'availability'))).toBe('true')
    expect(String(at((await v.get(`${server.accountRoot}/chat/estimatedWaitTime?skill=Sales`)).doc, 'estimatedWaitTime'))).toBe('0')
    expect(String(at((await v.get(`${server.accountRoot}/chat/availableSlots?skill=Sales`)).doc, 'availableSlots'))).toBe('-1')
    server.setAvailability({ available: false, estimatedWaitTime: -1, availableSlots: 0 })
    try {
      expect(String(at((await v.get(`${server.accountRoot}/chat/availability`)).doc, 'availability'))).toBe('false')
      expect(String(at((await v.get(`${server.accountRoot}/chat/estimatedWaitTime`)).doc, 'estimatedWaitTime'))).toBe('-1')
      expect(String(at((await v.get(`${server.accountRoot}/chat/availableSlots`)).doc, 'availableSlots'))).toBe('0')
    } finally {
      server.setAvailability({ available: true, estimatedWaitTime: 0, availableSlots: -1 })
    }
    expect((await v.get(`${server.accountRoot}/chat/availability?agent=a&skill=Sales`)).status).toBe(400)
    expect((await v.get(`${server.accountRoot}/chat/availability?maxWaitTime=90000`)).status).toBe(400)
  })

  it('takes custom variables (deprecated, but linked)', async () => {
    const v = client()
    const uri = await v.startChat()
    const body = { customVariables: { customVariable: [{ name: 'plan', value: 'gold' }] } }
    const response = await v.put(`${uri}/customVariables`, format === 'json' ? body : xmlBody(body))
    expect(response.status).toBe(200)
    expect((await v.get(`${uri}/customVariables`)).status).toBe(405)
  })

  it('serves the account resource with its chat links', async () => {
    const response = await client().get(server.accountRoot)
    expect(rels(at(response.doc, 'account'))).toMatchObject({ 'chat-request': `${server.accountRoot}/chat/request` })
  })
})

describe('format selection and auth forms', () => {
  it('picks the format from a .json/.xml path suffix, whatever Accept says', async () => {
    const v = visitor(server, 'json')
    const uri = await v.startChat()
    const xml = await v.get(`${uri}.xml`)
    expect(xml.headers.get('content-type')).toContain('application/xml')
    expect(xml.text).toContain('<chat>')
    const json = await visitor(server, 'xml').get(`${uri}/info.json`)
    expect(json.headers.get('content-type')).toContain('application/json')
    expect(JSON.parse(json.text)).toHaveProperty('info')
    const started = await fetch(`${server.accountRoot}/chat/request.json?v=1&appKey=${server.appKey}`, { method: 'POST' })
    expect(started.status).toBe(201)
  })

  it('takes the app key from the query, and ignores NC=true', async () => {
    const v = visitor(server)
    const uri = await v.startChat()
    const response = await fetch(`${uri}?v=1&NC=true&appKey=${server.appKey}`)
    expect(response.status).toBe(200)
  })

  it('takes a real PUT as well as POST with the override header', async () => {
    const v = visitor(server)
    const uri = await v.startChat()
    const response = await v.request('PUT', `${uri}/info/visitorName`, { visitorName: 'Direct' })
    expect(response.status).toBe(201)
    expect(server.chat(uri.split('/').at(-1) ?? '')?.visitorName).toBe('Direct')
  })
})

async function waitForChat(uri: string) {
  const id = uri.split('/').at(-1) ?? ''
  const chat = server.chat(id)
  if (chat === undefined) throw new Error(`no chat ${id}`)
  return Promise.resolve(chat)
}
