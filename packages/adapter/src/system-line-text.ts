// The text of a system line, one string per distinct text, shared by every chat that shows it.

// The server opens every chat with the same few system lines ("you are now chatting with…") and an
// idle chat's log keeps them for its life: each chat's copy of such a text cost it ~50 bytes a line.
// Bounded in count and length, so a server sending many distinct texts only stops them being shared.
const MOST_SHARED = 64
const LONGEST = 256
const shared = new Map<string, string>()

/** `text`, as the string shared for it when it is one of the first few distinct system texts seen. @internal */
export function sharedSystemText(text: string): string {
  const known = shared.get(text)
  if (known !== undefined) return known
  if (shared.size < MOST_SHARED && text.length <= LONGEST) shared.set(text, text)
  return text
}
