// The README parser of readme-blocks.ts: directives, continuations and comments as a shell reads them.
import t from 'tap'
import { readmeBlocks } from './readme-blocks.ts'

const README = [
  'text',
  '<!-- readme-test: run main -->',
  '```sh',
  'npm start                        # a device,',
  '                                 # prints {"pin":"123987"}',
  "node cli.js call --params '{\"a\":\"#not a comment\"}' # a comment",
  'node cli.js server --url U \\',
  '    --report json:r.json',
  '```',
  '',
  '<!-- readme-test: skip needs hardware -->',
  '',
  '```sh',
  'echo x#y',
  '```',
  '```sh',
  'echo unmarked',
  '```',
].join('\n')

t.test('blocks, their directives and their commands', async (t) => {
  const [run, skip, unmarked] = readmeBlocks(README)
  t.same(run, {
    line: 3,
    directive: { kind: 'run', session: 'main' },
    commands: ['npm start', "node cli.js call --params '{\"a\":\"#not a comment\"}'", 'node cli.js server --url U --report json:r.json'],
  })
  t.same(skip, { line: 13, directive: { kind: 'skip', reason: 'needs hardware' }, commands: ['echo x#y'] })
  t.same(unmarked?.directive, null, 'a block without a directive is reported as such')
})
