// The public surface of @chatbridge/testing: every name other packages may import, grouped by tier.
// Server
export { startLegacyChatServer } from './server.js'
export type { LegacyChatServer, LegacyChatServerOptions } from './server.js'
export type { ChatSignal, ChatState, EndReason, LegacyChat, WireEvent } from './legacy-chat.js'
export type { LineMatcher } from './line-matcher.js'
export type { Availability } from './routes.js'
export { defaultOfflineSurvey, defaultPreChatSurvey } from './journey.js'
export type { IssuedAuthentication, JourneyRecord, JourneySettings } from './journey.js'
export type { RouteName } from './router.js'
export { routeNames } from './router.js'

// The standalone server (`chatbridge serve`, `chatbridge-legacy-server`)
export { serveArgumentsOf, serveFlags, startServeServer } from './cli/serve-command.js'
export type { ServeArguments, ServeFlagValues } from './cli/serve-command.js'

// Agents
export { autoAgent } from './agent-script.js'
export type { AutoAgentOptions, ChatAgent } from './agent-script.js'
export type { AgentAction, AgentIdentity, AgentScriptOutcome, AgentScriptRun, AgentStep, AgentTrigger } from './agent-step.js'

// Time
export { createManualClock, systemClock } from './clock.js'
export type { Clock, ClockTimer, ManualClock } from './clock.js'

// Quirks and faults
export { defaultQuirks } from './quirks.js'
export type { QuirkSwitches } from './quirks.js'
export type { Fault, FaultControl, FaultHandle, FaultKind, FaultRequest, FaultRule } from './faults.js'
export type { RequestLogEntry, RequestLogView } from './request-log.js'

// XML mapping
export { fromXml, toXml } from './xml-mapping.js'

// Recorded fixtures and the recorder
export { loadFixture, readFixture } from './fixtures.js'
export type { LoadedFixture, LoadFixtureOptions } from './fixtures.js'
export { fixtureNames, fixtureOrigin, recordFixture } from './fixture-scenarios.js'
export type { FixtureName } from './fixture-scenarios.js'
export { recordSession } from './recorder.js'
export type { RecordedSession, RecordSessionOptions } from './recorder.js'
export { defaultPersonalFields, scrubRecording } from './scrub.js'
export type { RecordedInterceptor, ScrubOptions } from './scrub.js'
export type { WireFormatName } from './representation.js'
