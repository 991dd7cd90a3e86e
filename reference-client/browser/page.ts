/**
 * The page the reference server serves with --browser-page (reference-server/http/browser-page.ts):
 * pair with the device that served it (a PIN, or a `pairwire:` URI, spec §5.11), keep the
 * credentials in IndexedDB (credential-store.ts), open a session and call `pairwire.echo`. It runs
 * under `script-src 'self'`: no inline script, no eval (the validators are compiled at build time,
 * schemas/message-validators.ts). The client's X25519, AES-GCM and Ed25519 come from WebCrypto
 * where the browser has them, noble otherwise (browserPrimitives); the page shows which and how
 * many operations each did, and times noble against WebCrypto (protocol/crypto/webcrypto.ts).
 * Elements carry ids and data-state (the backends table data-source/data-count) for the test.
 */
import {
  browserPrimitives,
  detectWebCrypto,
  type AsyncPrimitives,
  type Primitive,
  measurePrimitives,
  noblePrimitives,
  webCryptoPrimitives,
} from '../../protocol/crypto/webcrypto.ts'
import { connect } from '../connect.ts'
import type { Credentials } from '../credentials.ts'
import { pair, pairFromUri } from '../pair.ts'
import { openCredentialStore, type CredentialStore } from './credential-store.ts'

const CLIENT_NAME = 'Pairwire browser page'

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from the page`)
  return element as T
}

function show(id: string, state: string, text: string): void {
  const element = byId(id)
  element.dataset.state = state
  element.textContent = text
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function showPaired(credentials: Credentials | null): void {
  if (credentials === null) show('status', 'unpaired', 'Not paired: enter the PIN the device shows.')
  else show('status', 'paired', `Paired as ${credentials.client_id} with ${credentials.device_id}.`)
  byId('status').dataset.clientId = credentials?.client_id ?? ''
}

const PRIMITIVE_NAMES: Record<Primitive, string> = { x25519: 'X25519', aesGcm: 'AES-256-GCM', ed25519: 'Ed25519' }

/** Which backend each primitive of the client used and how many operations it did so far. */
function showBackends(primitives: AsyncPrimitives): void {
  const table = byId('backends')
  const body = table.querySelector('tbody')!
  body.replaceChildren()
  for (const [primitive, name] of Object.entries(PRIMITIVE_NAMES) as [Primitive, string][]) {
    const row = body.insertRow()
    row.dataset.primitive = primitive
    row.dataset.source = primitives.sources[primitive]
    row.dataset.count = String(primitives.counts[primitive])
    for (const text of [name, primitives.sources[primitive], String(primitives.counts[primitive])]) {
      row.insertCell().textContent = text
    }
  }
  table.dataset.state = 'done'
}

async function echo(credentials: Credentials, text: string): Promise<void> {
  show('echo-result', 'working', 'Opening a session…')
  const primitives = await browserPrimitives()
  const session = await connect(credentials, { primitives })
  try {
    const result = await session.call('pairwire.echo', { text })
    show('echo-result', 'done', JSON.stringify(result))
  } finally {
    await session.close()
    showBackends(primitives)
  }
}

async function pairFromForm(store: CredentialStore): Promise<Credentials> {
  const uri = byId<HTMLInputElement>('uri').value.trim()
  const pin = byId<HTMLInputElement>('pin').value.trim()
  const credentials =
    uri === ''
      ? await pair({ url: location.origin, pin, name: CLIENT_NAME })
      : await pairFromUri({ uri, name: CLIENT_NAME, ...(pin === '' ? {} : { pin }) })
  // Same origin only: the page's CSP (connect-src 'self') lets it reach no other device.
  if (credentials.url !== location.origin) throw new Error('the URI names another origin than this page')
  await store.save(credentials)
  return credentials
}

async function showSpeed(): Promise<void> {
  const support = await detectWebCrypto()
  const native = webCryptoPrimitives(support)
  const noble = await measurePrimitives(noblePrimitives)
  const web = await measurePrimitives(native)
  const body = byId('speed').querySelector('tbody')!
  for (const [name, ops] of Object.entries(noble)) {
    const row = body.insertRow()
    const kind = name.startsWith('AES') ? 'aesGcm' : name.startsWith('X25519') ? 'x25519' : 'ed25519'
    const webCell = native.sources[kind] === 'webcrypto' ? `${web[name]} ops/s` : 'not offered (noble used)'
    for (const text of [name, `${ops} ops/s`, webCell]) row.insertCell().textContent = text
  }
  byId('speed').dataset.state = 'done'
}

async function main(): Promise<void> {
  const store = await openCredentialStore()
  showBackends(await browserPrimitives())
  let credentials = await store.load(location.origin)
  showPaired(credentials)
  byId<HTMLFormElement>('pair-form').addEventListener('submit', (event) => {
    event.preventDefault()
    show('status', 'working', 'Pairing…')
    pairFromForm(store)
      .then(async (paired) => {
        credentials = paired
        showPaired(paired)
        await echo(paired, byId<HTMLInputElement>('text').value)
      })
      .catch((e: unknown) => show('status', 'error', `Pairing failed: ${messageOf(e)}`))
  })
  byId<HTMLFormElement>('echo-form').addEventListener('submit', (event) => {
    event.preventDefault()
    if (credentials === null) return show('echo-result', 'error', 'Pair first.')
    echo(credentials, byId<HTMLInputElement>('text').value).catch((e: unknown) =>
      show('echo-result', 'error', `Echo failed: ${messageOf(e)}`),
    )
  })
  byId('forget').addEventListener('click', () => {
    store.forget(location.origin).then(() => showPaired((credentials = null)), () => {})
  })
  await showSpeed()
}

main().catch((e: unknown) => show('status', 'error', messageOf(e)))
