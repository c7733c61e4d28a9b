// The in-process Messaging socket's events, in both styles: `ws`'s emitter events and the browser's event objects.

/** The `ws`-style events: `'message'` carries one frame as JSON text. */
export interface MessagingSocketEvents {
  open: []
  message: [data: string]
  error: [error: Error]
  close: [code: number, reason: string]
}

/**
 * The browser-style events passed to `onopen`, `onmessage`, … and `addEventListener` listeners.
 * Typed as the least a listener may rely on (as the DOM's `Event`, `MessageEvent`, `CloseEvent`
 * offer it), so this socket fits wherever a `WebSocket`-like object is typed; at run time each
 * event also carries `target` (the socket), and error events carry `error`.
 */
export interface SocketEventMap {
  open: { readonly type: string }
  message: { readonly type: string; readonly data: string }
  error: { readonly type: string; readonly message?: string; readonly error?: unknown }
  close: { readonly type: string; readonly code: number; readonly reason: string; readonly wasClean: boolean }
}

/** A listener of one event type. */
export type SocketListener<K extends keyof SocketEventMap> = (event: SocketEventMap[K]) => void

/** A socket's `on*` handlers and its `addEventListener` listeners by type, as one object. @internal */
export type SocketHandlers = { [K in keyof SocketEventMap]?: SocketListener<K> | null } & {
  listeners?: Map<keyof SocketEventMap, Set<(event: never) => void>>
}
