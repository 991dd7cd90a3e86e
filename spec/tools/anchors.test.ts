import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { levelOf, readRequirements } from './anchors.ts'

function specDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-spec-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

t.test('levels follow the strongest BCP 14 keyword', async (t) => {
  t.equal(levelOf('The device MUST NOT send it; it MAY log.'), 'MUST')
  t.equal(levelOf('It SHOULD be short.'), 'SHOULD')
  t.equal(levelOf('It is OPTIONAL.'), 'MAY')
  t.equal(levelOf('must in lower case is prose'), null)
})

t.test('one requirement per bullet or paragraph, continuation lines joined', async (t) => {
  const dir = specDir({
    '05-pairing.md': [
      '# 5 Pairing',
      '',
      '- The device MUST check the TTL',
      '  at finish. {#pw-pair-5.4-ttl-at-finish}',
      '- Clients SHOULD retry. {#pw-pair-5.4-retry}',
      '',
      'A paragraph that MAY say more. {#pw-pair-5.5-more}',
      '',
      '| row | MUST be read {#pw-pair-5.6-row} |',
    ].join('\n'),
  })
  const { requirements, problems } = readRequirements(dir)
  t.same(problems, [])
  t.same(
    requirements.map((r) => [r.id, r.level, r.line]),
    [
      ['pw-pair-5.4-ttl-at-finish', 'MUST', 3],
      ['pw-pair-5.4-retry', 'SHOULD', 5],
      ['pw-pair-5.5-more', 'MAY', 7],
      ['pw-pair-5.6-row', 'MUST', 9],
    ],
  )
})

t.test('duplicate, malformed, keyword-less and doubled anchors are reported', async (t) => {
  const dir = specDir({
    'a.md': [
      '- It MUST. {#pw-pair-5.1-x}',
      '- It MUST. {#pw-pair-5.1-x}',
      '- It MUST. {#pw-nope-5.1-y}',
      '- No keyword here. {#pw-pair-5.1-z}',
      '- Two MUST {#pw-pair-5.1-a} {#pw-pair-5.1-b}',
    ].join('\n'),
  })
  const { problems } = readRequirements(dir)
  t.equal(problems.length, 4)
  t.match(problems.join('\n'), /duplicate anchor pw-pair-5.1-x/)
  t.match(problems.join('\n'), /bad anchor pw-nope-5.1-y/)
  t.match(problems.join('\n'), /pw-pair-5.1-z has no BCP 14 keyword/)
  t.match(problems.join('\n'), /2 anchors in one requirement/)
})

t.test('the party a requirement binds is the one named last before its keyword', async (t) => {
  const { roleOf } = await import('./anchors.ts')
  t.equal(roleOf('- A client MUST stop, and not pair, when the device says so.'), 'client')
  t.equal(roleOf('- An adapter MUST write the file only after pairing.'), 'client')
  t.equal(roleOf('- After a client is removed, a device MUST close its sessions.'), 'device')
  t.equal(roleOf('- A device whose interface is off MUST answer 404 to a client.'), 'device')
  t.equal(roleOf('- Both parties MUST derive the key.'), 'both')
  t.equal(roleOf('- When a frame of the peer is bad, a receiver MUST close.'), 'both')
  t.equal(roleOf('- `profiles` MUST contain `pairing`.'), 'device')
  t.equal(roleOf('- The `client_id` of a `client` MUST be …, the device MUST …'), 'device')
})
