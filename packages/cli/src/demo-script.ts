// The demo's cast: its agent, its visitor's lines, and the scripts that play them.
import type { AgentIdentity, AgentStep, ChatAgent, autoAgent } from '@chatbridge/testing'

/** The demo's agent. */
export const demoAgent: AgentIdentity = { name: 'Natalie', id: 7 }

/** The agent's HTML greeting: tags, an entity and a script that must not survive the conversion. */
export const demoGreeting = '<p>Hi, I&rsquo;m <b>Natalie</b>. How can I help?</p><script>alert(1)</script>'

/** The visitor's lines, in order: the first is sent while the chat still waits for an agent. */
export const demoVisitorLines = [
  'Hi! Is anyone there?',
  'Can chatbridge keep our Messaging code running on legacy chat?',
  'Great, thanks!',
] as const

/**
 * The scripted agent of the demo, on the embedded server's clock: joins after a moment, types,
 * greets in HTML, answers the visitor's question in plain text. Short delays keep the whole
 * conversation to a few seconds.
 */
export const demoAgentScript: readonly AgentStep[] = [
  { after: { ms: 500 }, do: 'accept', agent: demoAgent },
  { after: { visitorSays: /anyone/i }, do: 'typing', on: true },
  { after: { ms: 500 }, do: 'say', text: demoGreeting, html: true },
  { after: { visitorSays: /legacy/i }, do: 'typing', on: true },
  { after: { ms: 500 }, do: 'say', text: 'Yes. It polls the legacy chat for you and delivers Messaging notifications, in order, exactly once.' },
]

/**
 * The agent of `demo --interactive`: joins after a moment, greets in
 * HTML, then answers each visitor line (typing first) and ends the chat when the visitor says
 * "bye". `echoAgent` is testing's `autoAgent`, passed in so the demo loads testing only when it runs.
 */
export function interactiveAgent(echoAgent: typeof autoAgent): ChatAgent {
  const echo = echoAgent({ agent: demoAgent, acceptAfterMs: 60_000, replyAfterMs: 600 })
  return (chat, clock) => {
    const greeting = chat.runScript([
      { after: { ms: 800 }, do: 'accept', agent: demoAgent },
      { do: 'typing', on: true },
      { after: { ms: 600 }, do: 'say', text: demoGreeting, html: true },
    ])
    const stopEcho = echo(chat, clock)
    return () => {
      greeting.cancel()
      stopEcho()
    }
  }
}
