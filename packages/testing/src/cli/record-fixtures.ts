// `pnpm record-fixtures`: regenerates every fixture file from the scenarios in fixture-scenarios.ts.
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { fixtureNames, journeyFixtureNames, recordFixture } from '../fixture-scenarios.js'
import { fixturePath } from '../fixtures.js'

for (const format of ['json', 'xml'] as const) {
  mkdirSync(fileURLToPath(new URL('.', fixturePath('plain-chat', format))), { recursive: true })
  for (const name of [...fixtureNames, ...journeyFixtureNames]) {
    const recording = await recordFixture(name, format)
    const path = fixturePath(name, format)
    writeFileSync(path, `${JSON.stringify(recording, null, 2)}\n`)
    console.log(`${fileURLToPath(path)}: ${recording.length} exchanges`)
  }
}
