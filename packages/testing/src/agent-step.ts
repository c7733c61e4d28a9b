// The vocabulary of agent timelines: who the agent is, what a step does and when, how a run ends.
// It imports no chat type, so the chat (legacy-chat.ts) and the runner (agent-script.ts) both build on it.
import type { LineMatcher } from './line-matcher.js'

/** An agent as the visitor sees it: display name and numeric id. */
export interface AgentIdentity {
  readonly name: string
  readonly id: number
}

/** When a step runs, counted from the moment the previous step ran (or the script started). */
export type AgentTrigger =
  /** After the visitor has polled (GET chat or events) this many more times. */
  | { readonly polls: number }
  /** After this many milliseconds on the server's clock. */
  | { readonly ms: number }
  /** When the visitor sends a matching line. */
  | { readonly visitorSays: LineMatcher }

/** What an agent does in one step of a timeline. */
export type AgentAction =
  | { readonly do: 'accept'; readonly agent: AgentIdentity }
  | { readonly do: 'typing'; readonly on: boolean }
  | { readonly do: 'say'; readonly text: string; readonly html?: boolean }
  | { readonly do: 'push-url'; readonly url: string }
  | { readonly do: 'transfer'; readonly agent: AgentIdentity }
  | { readonly do: 'end' }

/** One step of an agent timeline: an action, and optionally the trigger it waits for (none: right away). */
export type AgentStep = AgentAction & { readonly after?: AgentTrigger }

/** How a timeline finished: all steps ran, or it stopped (cancelled, chat ended or dropped, an action failed). */
export type AgentScriptOutcome = { readonly completed: true } | { readonly completed: false; readonly reason: string }

/** A running timeline. */
export interface AgentScriptRun {
  /** Resolves (never rejects) when the timeline completes or stops. */
  readonly done: Promise<AgentScriptOutcome>
  /** Stops the timeline; steps not yet run never run. */
  cancel(): void
}
