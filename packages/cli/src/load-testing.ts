import type * as Testing from '@chatbridge/testing'
import { CliFailure } from './arguments.js'

/** `@chatbridge/testing`'s exports, loaded on demand (it is an optional peer dependency). */
export type TestingPackage = typeof Testing

/**
 * Loads `@chatbridge/testing` for `demo` and `serve`; a one-line {@link CliFailure} saying how to
 * install it when it is missing.
 */
export async function loadTesting(command: string): Promise<TestingPackage> {
  try {
    return await import('@chatbridge/testing')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliFailure(`${command} needs the optional package @chatbridge/testing: npm install @chatbridge/testing`)
    }
    throw error
  }
}
