import { describe, expectTypeOf, it } from 'vitest'
import type { AgentStep, Fault, FaultRule, LegacyChat, LegacyChatServer, LegacyChatServerOptions, QuirkSwitches, RouteName } from '../src/index.js'

describe('public types', () => {
  it('describe timelines, faults and options precisely', () => {
    expectTypeOf<{ after: { polls: 2 }; do: 'accept'; agent: { name: 'N'; id: 1 } }>().toExtend<AgentStep>()
    expectTypeOf<{ do: 'say'; text: 'hi'; html: true }>().toExtend<AgentStep>()
    // @ts-expect-error a say step needs its text
    const missingText: AgentStep = { do: 'say' }
    expectTypeOf(missingText).toEqualTypeOf<AgentStep>()
    expectTypeOf<{ kind: 'status'; status: 503; retryAfterS: 2 }>().toExtend<Fault>()
    // @ts-expect-error latency needs its duration
    const noMs: Fault = { kind: 'latency' }
    expectTypeOf(noMs).toEqualTypeOf<Fault>()
    expectTypeOf<{ route: ['events', 'chat']; fault: { kind: 'truncate' } }>().toExtend<FaultRule>()
    expectTypeOf<{ quirks: { numbersAsStrings: true } }>().toExtend<LegacyChatServerOptions>()
    expectTypeOf<LegacyChatServer['quirks']>().toEqualTypeOf<QuirkSwitches>()
    expectTypeOf<ReturnType<LegacyChatServer['nextChat']>>().toEqualTypeOf<Promise<LegacyChat>>()
    expectTypeOf<'visitor-typing'>().toExtend<RouteName>()
  })
})
