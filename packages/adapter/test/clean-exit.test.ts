import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, onTestFinished, test } from 'vitest'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

test('after close() nothing is left: a process that ran conversations exits on its own', async () => {
  const child = spawn(process.execPath, ['--conditions=@chatbridge/source', '--import', here('./fixtures/clean-exit/register-ts-hooks.js'), here('./fixtures/clean-exit/conversation-then-exit.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  // A child that never exits fails the test on its timeout; it is killed then, not left behind.
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill()
  })
  // The child never calls process.exit: it exits only when no timer, socket or handle is left.
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  expect(output).toContain('done E_CLOSED')
  expect(code).toBe(0)
}, 20_000)
