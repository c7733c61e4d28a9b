/** Making URIs and messages safe to show: no user info, no secret query parameters, no app key. */

const SECRET_PARAMS = /^(appkey|app_key|apikey|api_key|key|token|access_token)$/i

/**
 * A URI as safe to show: no user info, and secret-looking query parameters (`appKey`, …) replaced,
 * since some public clients put the app key in the query string.
 */
export function redactUri(uri: URL | string): string {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return '[unparseable URI]'
  }
  url.username = ''
  url.password = ''
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) url.searchParams.set(name, 'REDACTED')
  }
  return url.href
}

/** Removes every occurrence of `secret` from `text`; a guard for messages built from server text. */
export function scrubSecret(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[REDACTED]')
}
