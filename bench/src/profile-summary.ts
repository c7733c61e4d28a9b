import { readFileSync } from 'node:fs'

// `node bench/dist/profile-summary.js FILE.cpuprofile [top]`: self and inclusive time per function
// (and per package) of a V8 CPU profile written by `node --cpu-prof`, as the README's profiles
// were read.

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: readonly number[]
}

interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

function place(url: string): string {
  const packageMatch = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (packageMatch?.[1] !== undefined) return packageMatch[1]
  const workspace = /\/(packages\/[^/]+|bench)\//.exec(url)
  if (workspace?.[1] !== undefined) return workspace[1]
  if (url.startsWith('node:')) return 'node'
  return url === '' ? '(native)' : url.split('/').at(-1) ?? url
}

const file = process.argv[2]
if (file === undefined) {
  console.error('usage: profile-summary FILE.cpuprofile [top]')
  process.exit(2)
}
const top = Number(process.argv[3] ?? '25')
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

const self = new Map<string, number>()
const inclusive = new Map<string, number>()
const byPlace = new Map<string, number>()
let total = 0
profile.samples.forEach((sample, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  total += dt
  const node = byId.get(sample)
  if (node === undefined) return
  const key = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${place(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  self.set(key(node), (self.get(key(node)) ?? 0) + dt)
  byPlace.set(place(node.callFrame.url), (byPlace.get(place(node.callFrame.url)) ?? 0) + dt)
  const seen = new Set<string>()
  for (let current: ProfileNode | undefined = node; current !== undefined; current = byId.get(parent.get(current.id) ?? -1)) {
    const k = key(current)
    if (seen.has(k)) continue
    seen.add(k)
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt)
  }
})

const show = (title: string, map: Map<string, number>, n: number): void => {
  console.log(`\n${title}`)
  for (const [name, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`)
  }
}
console.log(`total ${(total / 1000).toFixed(0)} ms of samples`)
show('self time by package', byPlace, 12)
show('self time by function', self, top)
show('inclusive time by function', inclusive, top)
