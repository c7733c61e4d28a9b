// The error the legacy server answers with (ApiError), thrown by handlers and written by the server.

/**
 * An error the server answers with `{"error":{time,message,internalCode}}`. Handlers throw it; the
 * server turns it into the response.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly internalCode: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

// internalCodes 5, 10, 12 and 28 are the observed ones (reference §11); the others are ours, since
// the sources give no code for these failures. They are kept apart from the observed ones (>= 100).
/** The errors the server raises, by cause. */
export const apiErrors = {
  badAppKey: () => new ApiError(401, 'Unauthorized: missing or invalid app key', 101),
  badVersion: () => new ApiError(400, 'Missing or unsupported API version: v=1 is required', 102),
  unknownUri: (uri: string) => new ApiError(404, `null for uri: ${uri}`, 28),
  methodNotAllowed: (method: string) => new ApiError(405, `Method ${method} not allowed`, 103),
  malformedBody: (detail: string) => new ApiError(400, `Malformed request body: ${detail}`, 104),
  oneEventPerPost: () => new ApiError(400, 'Only one event can be added per request', 105),
  badEvent: (detail: string) => new ApiError(400, `Invalid event: ${detail}`, 106),
  badParameter: (detail: string) => new ApiError(400, `Invalid parameter: ${detail}`, 107),
  notInChat: () => new ApiError(400, 'Cannot add line while not in chat', 5),
  typingOnEndedChat: () => new ApiError(400, "Cannot set visitor's typing status. Chat was ended", 108),
  alreadyEnded: () => new ApiError(400, 'Chat was ended', 109),
  chatNotFound: () => new ApiError(404, 'Chat session not found', 12),
} as const
