/**
 * Reads the requirement anchors of spec/*.md (spec/README.md "Requirements"): each normative
 * bullet or paragraph carries one `{#pw-<area>-<section>-<slug>}` and its level is the strongest
 * BCP 14 keyword in it. Shared by the coverage report and the tests that check anchors.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type Level = 'MUST' | 'SHOULD' | 'MAY'

/**
 * The party a requirement binds (spec/README.md "Requirements"): 'client' (a client or its
 * adapter, §12.3), 'device', or 'both' (a party, either party, a receiver, a sender).
 */
export type Role = 'device' | 'client' | 'both'

export interface Requirement {
  readonly id: string
  readonly level: Level
  readonly role: Role
  readonly file: string
  readonly line: number
  readonly text: string
}

/** The syntax of an anchor id wherever it is cited (spec, tests, vectors, conformance cases). */
export const ANCHOR_ID = /pw-(?:conv|keys|disc|pair|ticket|sess|sig|reg|limit|test|sec|relay)-\d+(?:\.\d+)*-[a-z0-9]+(?:-[a-z0-9]+)*/g
const ANCHOR_IN_SPEC = /\{#(pw-[a-z0-9.-]+)\}/g

export function levelOf(text: string): Level | null {
  if (/\b(MUST|MUST NOT|REQUIRED|SHALL|SHALL NOT)\b/.test(text)) return 'MUST'
  if (/\b(SHOULD|SHOULD NOT|RECOMMENDED|NOT RECOMMENDED)\b/.test(text)) return 'SHOULD'
  if (/\b(MAY|OPTIONAL)\b/.test(text)) return 'MAY'
  return null
}

const KEYWORD = /\b(MUST|REQUIRED|SHALL|SHOULD|RECOMMENDED|MAY|OPTIONAL)\b/
const PARTY = /\b(clients?|adapters?|devices?|party|parties|receivers?|senders?)\b/gi

/**
 * The party named last before the first BCP 14 keyword is the subject the requirement binds
 * ("A client MUST …", "After a client is removed, a device MUST …", "Both parties MUST …"); a
 * requirement on a document or interface of the device names none and binds the device.
 */
export function roleOf(text: string): Role {
  const keyword = KEYWORD.exec(text)
  const subject = keyword === null ? text : text.slice(0, keyword.index)
  const parties = [...subject.replace(/`[^`]*`/g, '').matchAll(PARTY)].map((m) => m[1]!.toLowerCase())
  const last = parties.at(-1)
  if (last === undefined || last.startsWith('device')) return 'device'
  return last.startsWith('client') || last.startsWith('adapter') ? 'client' : 'both'
}

/** Splits a Markdown file into blocks (bullets and paragraphs) with their first line number. */
function blocks(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = []
  let current: { text: string; line: number } | null = null
  markdown.split('\n').forEach((raw, i) => {
    const startsBlock = /^\s*([-*]|\d+\.)\s/.test(raw) || /^\s*\|/.test(raw) || /^#/.test(raw)
    if (raw.trim() === '' || startsBlock) {
      if (current) out.push(current)
      current = raw.trim() === '' ? null : { text: raw, line: i + 1 }
    } else if (current) {
      current.text += ' ' + raw.trim()
    } else {
      current = { text: raw, line: i + 1 }
    }
  })
  if (current) out.push(current)
  return out
}

export function readRequirements(specDir: string): { requirements: Requirement[]; problems: string[] } {
  const requirements: Requirement[] = []
  const problems: string[] = []
  const seen = new Set<string>()
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.md')).sort()) {
    for (const block of blocks(readFileSync(join(specDir, file), 'utf8'))) {
      const ids = [...block.text.matchAll(ANCHOR_IN_SPEC)].map((m) => m[1]!)
      if (ids.length === 0) continue
      const where = `${file}:${block.line}`
      if (ids.length > 1) problems.push(`${where}: ${ids.length} anchors in one requirement`)
      const id = ids[0]!
      if (!new RegExp(`^${ANCHOR_ID.source}$`).test(id)) problems.push(`${where}: bad anchor ${id}`)
      if (seen.has(id)) problems.push(`${where}: duplicate anchor ${id}`)
      seen.add(id)
      const level = levelOf(block.text)
      if (level === null) problems.push(`${where}: ${id} has no BCP 14 keyword`)
      requirements.push({ id, level: level ?? 'MAY', role: roleOf(block.text), file, line: block.line, text: block.text })
    }
  }
  return { requirements, problems }
}
