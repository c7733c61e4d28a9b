import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { LegacyChatClient, findAccountRoot } from '@chatbridge/core'
import { APP_KEY, CHAT_ID, CHAT_URI, ORIGIN, ROOT, fixture, useNock } from './support.js'

useNock()

const base = `/api/account/12345678`
const chatPath = `${base}/chat/${CHAT_ID}`
const json = { 'content-type': 'application/json' }
const auth = { authorization: `LivePerson appKey=${APP_KEY}` }

function client(format: 'json' | 'xml' = 'json'): LegacyChatClient {
  return new LegacyChatClient({ accountRoot: `${ROOT}/`, appKey: APP_KEY, format, transport: 'fetch', entryPoints: 'documented-paths' })
}

/** A chat whose links are known (one read of the seed resource). */
async function seededChat(c: LegacyChatClient) {
  nock(ORIGIN).get(chatPath).query(true).reply(200, fixture('seed-chat.json'), json)
  const chat = c.attach(CHAT_URI)
  await chat.snapshot()
  return chat
}

describe('every documented operation, as it goes on the wire', () => {
  it('starts a chat: POST chat/request with the body wrapped in `request`, 201 + Location', async () => {
    let sent: unknown
    nock(ORIGIN, { reqheaders: { ...auth, 'content-type': /application\/json/ } })
      .post(`${base}/chat/request`, (body: unknown) => {
        sent = body
        return true
      })
      .query({ v: '1', NC: 'true' })
      .reply(201, '', { location: `${CHAT_URI}?v=1` })
    const c = client()
    const chat = await c.startChat({ skill: 'Sales', interactionTimeout: 120, preChatLines: ['a', 'b'], extra: { runWithRules: true } })
    expect(chat.uri.href).toBe(CHAT_URI)
    expect(chat.conversationId).toBe(CHAT_ID)
    expect(sent).toEqual({ request: { skill: 'Sales', interactionTimeout: 120, preChatLines: { line: ['a', 'b'] }, runWithRules: true } })
    await c.close()
  })

  it('sends XML bodies in XML mode (attributes for `@` keys)', async () => {
    let sent = ''
    const c = client('xml')
    nock(ORIGIN).get(chatPath).query(true).reply(200, fixture('seed-chat.xml'), { 'content-type': 'application/xml' })
    const chat = c.attach(CHAT_URI)
    await chat.snapshot()
    nock(ORIGIN, { reqheaders: { 'content-type': /application\/xml/ } })
      .post(`${chatPath}/events`, (body: string) => {
        sent = body
        return true
      })
      .query(true)
      .reply(201, '', { location: `${CHAT_URI}/events/4` })
    expect(await chat.addLine('fish & chips')).toBe(4)
    expect(sent).toContain('<event type="line"><text>fish &amp; chips</text></event>')
    await c.close()
  })

  it('adds a line and ends the chat through the `events` relation', async () => {
    const c = client()
    const chat = await seededChat(c)
    const bodies: unknown[] = []
    nock(ORIGIN)
      .post(`${chatPath}/events`, (body: unknown) => bodies.push(body) > 0)
      .query(true)
      .reply(201, '', { location: `${CHAT_URI}/events/5` })
      .post(`${chatPath}/events`, (body: unknown) => bodies.push(body) > 0)
      .query(true)
      .reply(201, '', { location: `${CHAT_URI}/events/6` })
    expect(await chat.addLine('hello')).toBe(5)
    await chat.end()
    expect(bodies).toEqual([{ event: { '@type': 'line', text: 'hello' } }, { event: { '@type': 'state', state: 'ended' } }])
    await c.close()
  })

  it('polls with the `next` link, keeping its query string', async () => {
    const c = client()
    const chat = await seededChat(c)
    const next = chat.links?.require('next')
    expect(next?.search).toBe('?from=4')
    nock(ORIGIN)
      .get(chatPath)
      .query({ from: '4', v: '1', NC: 'true' })
      .reply(200, { chat: { link: [{ '@href': `${CHAT_URI}?from=5`, '@rel': 'next' }], events: { event: { '@id': '4', '@type': 'line', text: 'hi', source: 'agent' } } } }, json)
    const snap = await chat.followNext(next ?? new URL(CHAT_URI))
    expect(snap.events.events.map((event) => event.id)).toEqual([4])
    expect(snap.links.require('next').search).toBe('?from=5')
    await c.close()
  })

  it('reads events and info on their own, and follows an events `next` link', async () => {
    const c = client()
    const chat = await seededChat(c)
    nock(ORIGIN)
      .get(`${chatPath}/events`)
      .query({ from: '2', v: '1', NC: 'true' })
      .reply(200, { events: { link: { '@href': `${CHAT_URI}/events?from=3`, '@rel': 'next' }, event: { '@id': '2', '@type': 'state', state: 'chatting' } } }, json)
      .get(`${chatPath}/events`)
      .query({ from: '3', v: '1', NC: 'true' })
      .reply(200, { events: { link: [] } }, json)
      .get(`${chatPath}/info`)
      .query(true)
      .reply(200, { info: { state: 'chatting', agentTyping: 'typing', chatTimeout: 40 } }, json)
    const page = await chat.events({ from: 2 })
    expect(page.events).toMatchObject([{ id: 2, type: 'state', state: 'chatting' }])
    const empty = await chat.followEvents(page.links.require('next'))
    expect(empty.events).toEqual([])
    expect(await chat.info()).toMatchObject({ state: 'chatting', agentTyping: 'typing', chatTimeout: 40 })
    await c.close()
  })

  it('gets and sets the visitor name and typing, reads agent typing (PUT sent as POST + override)', async () => {
    const c = client()
    const chat = await seededChat(c)
    const puts: Array<{ path: string; body: unknown }> = []
    const put = { ...auth, 'x-http-method-override': 'PUT' }
    nock(ORIGIN)
      .get(`${chatPath}/info/visitorName`)
      .query(true)
      .reply(200, { visitorName: 'You' }, json)
      .get(`${chatPath}/info/visitorTyping`)
      .query(true)
      .reply(200, { visitorTyping: 'not-typing' }, json)
      .get(`${chatPath}/info/agentTyping`)
      .query(true)
      .reply(200, { agentTyping: 'typing' }, json)
    nock(ORIGIN, { reqheaders: put })
      .post(`${chatPath}/info/visitorName`, (body: unknown) => puts.push({ path: 'visitorName', body }) > 0)
      .query(true)
      .reply(201)
      .post(`${chatPath}/info/visitorTyping`, (body: unknown) => puts.push({ path: 'visitorTyping', body }) > 0)
      .query(true)
      .reply(200)
    expect(await chat.visitorName()).toBe('You')
    expect(await chat.visitorTyping()).toBe('not-typing')
    expect(await chat.agentTyping()).toBe('typing')
    await chat.setVisitorName('Ann')
    await chat.setVisitorTyping('typing')
    expect(puts).toEqual([
      { path: 'visitorName', body: { visitorName: 'Ann' } },
      { path: 'visitorTyping', body: { visitorTyping: 'typing' } },
    ])
    await c.close()
  })

  it('requests a transcript, with and without subject', async () => {
    const c = client()
    const chat = await seededChat(c)
    const bodies: unknown[] = []
    nock(ORIGIN, { reqheaders: { 'x-http-method-override': 'PUT' } })
      .post(`${chatPath}/transcriptRequest`, (body: unknown) => bodies.push(body) > 0)
      .query(true)
      .reply(200)
      .post(`${chatPath}/transcriptWithSubjectRequest`, (body: unknown) => bodies.push(body) > 0)
      .query(true)
      .reply(200)
    await chat.requestTranscript({ email: 'v@example.com', timezoneOffsetMs: -7_200_000 })
    await chat.requestTranscript({ email: 'v@example.com', subject: 'Our chat' })
    expect(bodies).toEqual([
      { email: 'v@example.com', timezoneOffset: -7_200_000 },
      { email: 'v@example.com', subject: 'Our chat' },
    ])
    await c.close()
  })

  it('in XML mode, sends a body with several top-level fields as JSON (it has no one-root XML form)', async () => {
    const c = client('xml')
    nock(ORIGIN).get(chatPath).query(true).reply(200, fixture('seed-chat.xml'), { 'content-type': 'application/xml' })
    const chat = c.attach(CHAT_URI)
    await chat.snapshot()
    let sent: unknown
    nock(ORIGIN, { reqheaders: { 'content-type': /application\/json/, accept: 'application/xml' } })
      .post(`${chatPath}/transcriptRequest`, (body: unknown) => {
        sent = body
        return true
      })
      .query(true)
      .reply(200)
    await chat.requestTranscript({ email: 'v@example.com', timezoneOffsetMs: 3_600_000 })
    expect(sent).toEqual({ email: 'v@example.com', timezoneOffset: 3_600_000 })
    await c.close()
  })

  it('reads the exit survey structure and submits answers', async () => {
    const c = client()
    const chat = await seededChat(c)
    let submitted: unknown
    nock(ORIGIN)
      .get(`${chatPath}/exitSurvey`)
      .query({ surveyName: 'Exit', v: '1', NC: 'true' })
      .reply(
        200,
        {
          survey: {
            id: 361346,
            title: 'How did we do?',
            questions: {
              question: {
                id: '4991310',
                logicId: 7,
                order: '1',
                mandatory: 'true',
                type: 'Radio Button',
                label: 'Happy?',
                entry: [{ value: 'yes', checked: 'false', logic: { showLogicId: 8 } }, { value: 'no', displayValue: 'No', checked: true }],
              },
            },
          },
        },
        json,
      )
    nock(ORIGIN, { reqheaders: { 'x-http-method-override': 'PUT' } })
      .post(`${chatPath}/exitSurvey`, (body: unknown) => {
        submitted = body
        return true
      })
      .query(true)
      .reply(200)
    const survey = await chat.exitSurvey({ surveyName: 'Exit' })
    expect(survey).toMatchObject({ id: '361346', title: 'How did we do?' })
    expect(survey.questions).toMatchObject([
      {
        id: '4991310',
        logicId: '7',
        order: 1,
        mandatory: true,
        type: 'Radio Button',
        label: 'Happy?',
        entries: [
          { value: 'yes', checked: false, showLogicIds: ['8'] },
          { value: 'no', displayValue: 'No', checked: true, showLogicIds: [] },
        ],
      },
    ])
    await chat.submitExitSurvey(survey.id, [{ id: '4991310', answer: 'yes' }])
    expect(submitted).toEqual({ survey: { id: '361346', question: [{ id: '4991310', answer: 'yes' }] } })
    await c.close()
  })

  it('checks availability, estimated wait time and available slots', async () => {
    nock(ORIGIN, { reqheaders: auth })
      .get(`${base}/chat/availability`)
      .query({ skill: 'Sales', maxWaitTime: '0', v: '1', NC: 'true' })
      .reply(200, { availability: 'true' }, json)
      .get(`${base}/chat/estimatedWaitTime`)
      .query({ skill: 'Sales', v: '1', NC: 'true' })
      .reply(200, { estimatedWaitTime: -2 }, json)
      .get(`${base}/chat/availableSlots`)
      .query({ agent: 'natalie', v: '1', NC: 'true' })
      .reply(200, '<availableSlots>-1</availableSlots>', { 'content-type': 'application/xml' })
    const c = client()
    expect(await c.availability({ skill: 'Sales', maxWaitTime: 0 })).toBe(true)
    expect(await c.estimatedWaitTime({ skill: 'Sales' })).toBe(-2)
    expect(await c.availableSlots({ agent: 'natalie' })).toBe(-1)
    await c.close()
  })

  it('finds the account root through the Domain API, without sending a key', async () => {
    nock('https://api.liveperson.net', { badheaders: ['authorization'] })
      .get('/api/account/12345678/service/conversationVep/baseURI.json')
      .query((query) => query['version'] === '1.0')
      .reply(200, { service: 'conversationVep', account: '12345678', baseURI: 'va-e.convep.liveperson.net' }, json)
    const root = await findAccountRoot({ accountId: '12345678', transport: 'fetch' })
    expect(root.href).toBe('https://va-e.convep.liveperson.net/api/account/12345678')
  })

  it('resumes a chat by URI or by conversation id without a request', () => {
    const c = client()
    expect(c.attach(CHAT_URI).uri.href).toBe(CHAT_URI)
    expect(c.attach(CHAT_ID).uri.href).toBe(CHAT_URI)
    expect(c.attach(CHAT_ID).conversationId).toBe(CHAT_ID)
    const chat = c.attach(CHAT_URI)
    chat.uri.pathname = '/elsewhere'
    expect(chat.uri.href).toBe(CHAT_URI)
    expect(chat.href).toBe(CHAT_URI)
    expect(c.attach(CHAT_ID).href).toBe(CHAT_URI)
    expect(() => c.attach('https://elsewhere.example/api/account/1/chat/x')).toThrow(/outside the account/)
  })
})
