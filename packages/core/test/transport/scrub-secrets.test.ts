import { describe, expect, it } from 'vitest'
import { scrubError, scrubSecrets } from '../../src/transport/scrub-secrets.js'

describe('scrubSecrets', () => {
  it('takes the secret out of a failure’s message and stack', async () => {
    const failing = scrubSecrets<string, string>('k3y')(() => Promise.reject(new Error('server said k3y twice: k3y')))
    const error = (await failing('x').catch((e: unknown) => e)) as Error
    expect(error.message).toBe('server said [REDACTED] twice: [REDACTED]')
    expect(error.stack).not.toContain('k3y')
  })

  it('leaves other values, and everything when there is no secret', () => {
    expect(scrubError('k3y', 'k3y')).toBe('k3y')
    expect(scrubError(new Error('k3y'), '')).toMatchObject({ message: 'k3y' })
  })
})
