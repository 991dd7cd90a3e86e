#!/usr/bin/env node
// The --pin-command of the zaparoo-v1 emulator: `node test-support/zaparoo-emulator/pin-command.mjs URL`
// opens a PIN through the emulator's test-only POST /emulator/pin (TTL from PAIRWIRE_PIN_TTL)
// and prints it. A real Zaparoo Core has no such route; use its own UI or local RPC instead.
const url = process.argv[2]
const ttl = process.env.PAIRWIRE_PIN_TTL
const res = await fetch(`${url}/emulator/pin`, {
  method: 'POST',
  body: JSON.stringify(ttl === undefined ? {} : { ttl: Number(ttl) }),
})
if (res.status !== 200) process.exit(1)
process.stdout.write(`${(await res.json()).pin}\n`)
