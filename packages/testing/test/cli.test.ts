import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseServeArguments, serve } from '../src/cli/serve-command.js'

describe('chatbridge-legacy-server', () => {
  it('parses its options, with defaults', () => {
    expect(parseServeArguments([])).toEqual({ port: 0, host: '127.0.0.1', appKey: undefined, accountId: '12345678', agent: 'auto', stats: false })
    expect(parseServeArguments(['--port', '8080', '--app-key', 'abc', '--account-id', '42', '--agent', 'auto'])).toEqual({
      port: 8080,
      host: '127.0.0.1',
      appKey: 'abc',
      accountId: '42',
      agent: 'auto',
      stats: false,
    })
    expect(() => parseServeArguments(['--port', 'x'])).toThrow(/Usage/)
    expect(() => parseServeArguments(['--agent', 'smart'])).toThrow(/auto or none/)
    expect(() => parseServeArguments(['--nope'])).toThrow()
  })

  it('prints the account root and app key, and serves chats with the auto agent', async () => {
    const lines: string[] = []
    const server = await serve({ ...parseServeArguments(['--agent', 'auto', '--app-key', 'cafe0123cafe0123cafe0123cafe0123']) }, (line) => lines.push(line))
    try {
      expect(lines[0]).toBe(`account root: ${server.accountRoot}`)
      expect(lines[1]).toContain('cafe0123cafe0123cafe0123cafe0123')
      const started = await fetch(`${server.accountRoot}/chat/request?v=1&appKey=${server.appKey}`, { method: 'POST' })
      expect(started.status).toBe(201)
      expect(server.chats()).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  const built = fileURLToPath(new URL('../dist/cli/serve.js', import.meta.url))
  // `pnpm test` builds first, so the command is there; a bare `vitest run` without a build says so.
  it('runs as a command and exits cleanly on SIGTERM', async () => {
    expect(existsSync(built), `${built} is missing: run \`pnpm build\` (pnpm test builds first)`).toBe(true)
    const child = spawn(process.execPath, [built, '--app-key', 'beef0123beef0123beef0123beef0123'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const root = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /account root: (\S+)/.exec(out)
        if (match?.[1] !== undefined) resolve(match[1])
      })
    })
    const response = await fetch(`${root}/chat/availability?v=1&appKey=beef0123beef0123beef0123beef0123`)
    expect(await response.json()).toEqual({ availability: true })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
