/**
 * Sums up V8 CPU profiles (`node --cpu-prof` writes *.cpuprofile): self time per function and per
 * file, largest first, as a share of the sampled time. Used to find what caps a bench scenario:
 *
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/run.ts --only ID --out F
 *   npx tsx bench/profile.ts /tmp/prof/*.cpuprofile [--top 30] [--total]
 *
 * --total adds total time (the function and everything it called) per function.
 *
 * Each profile is printed on its own (the server and the baseline run in separate processes).
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { printTable } from './measure.ts'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { functionName: string; url: string; lineNumber: number }
  readonly children?: number[]
}

interface CpuProfile {
  readonly nodes: ProfileNode[]
  readonly samples: number[]
  readonly timeDeltas: number[]
}

/** Microseconds of self time per key, from the sample deltas (V8 attributes each to a node). */
function selfTime(profile: CpuProfile, keyOf: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const key = keyOf(byId.get(id)!)
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  return totals
}

/** Microseconds of total time (self + callees) per key, each key counted once per stack. */
function totalTime(profile: CpuProfile, keyOf: (node: ProfileNode) => string): Map<string, number> {
  const parent = new Map<number, ProfileNode>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const keys = new Set<string>()
    for (let node = byId.get(id); node !== undefined; node = parent.get(node.id)) {
      keys.add(keyOf(node))
    }
    for (const key of keys) totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  return totals
}

const shortUrl = (url: string): string =>
  url === '' ? '(native)' : url.replace(/^file:\/\/.*?\/(node_modules|work\/main)\//, '$1/')

const byFunction = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
}

const byFile = (node: ProfileNode): string => shortUrl(node.callFrame.url)

function printTop(title: string, totals: Map<string, number>, top: number, all: number): void {
  const rows = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => [((100 * us) / all).toFixed(1) + '%', (us / 1000).toFixed(0), key])
  console.log(`\n${title} (${(all / 1000).toFixed(0)} ms sampled)`)
  printTable(['self', 'ms', 'where'], rows)
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, total: { type: 'boolean', default: false } },
})
const top = Number(values.top)
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const all = profile.timeDeltas.reduce((a, b) => a + b, 0)
  const name = basename(file)
  printTop(`${name}: self time by function`, selfTime(profile, byFunction), top, all)
  printTop(`${name}: self time by file`, selfTime(profile, byFile), top, all)
  if (values.total) {
    printTop(`${name}: total time by function`, totalTime(profile, byFunction), top, all)
  }
}
