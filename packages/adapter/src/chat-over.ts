// "Is the chat over?": decided here, once, for the poll loop and the mapping alike.
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'

/**
 * True when this event ends the chat on this account: the `ended` state, or a transfer to another
 * account (`a2a-transfer`; the chat goes on there, not here).
 *
 * @internal
 */
export function endsChat(event: LegacyEvent): boolean {
  return (event.type === 'state' && event.state === 'ended') || event.type === 'a2a-transfer'
}

/**
 * True when the chat is over once this page is read: one of its events ended it, or its info says
 * `ended` — the server may end a chat (e.g. on its `chatTimeout`) without an `ended` event on the page.
 *
 * @internal
 */
export function isChatOver(page: { readonly events: readonly LegacyEvent[]; readonly info: LegacyInfo | undefined }): boolean {
  return page.info?.state === 'ended' || page.events.some(endsChat)
}
