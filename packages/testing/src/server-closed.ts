// The error a server's pending waits reject with once it closed (chats, the request log, nextChat).

/** A new `Error` saying the legacy chat server closed. */
export function serverClosedError(): Error {
  return new Error('The legacy chat server closed')
}
