/**
 * Client-mode property cases (DESIGN §5): fast-check generates what a misbehaving device does,
 * a model of the spec predicts what the client must do, and a failure is shrunk to the smallest
 * misbehaviour and reported with its `--replay` token. Each example is one adapter operation.
 */
import fc from 'fast-check'
import { defaultBackend } from '../../../protocol/crypto/index.ts'
import { base64urlDecode, base64urlEncode } from '../../../protocol/encoding.ts'
import { CLOSES, type CloseEntry } from '../../../protocol/registry.ts'
import { checkProperty } from '../../property-check.ts'
import { fail, type FailVerdict } from '../../verdicts.ts'

const firstFail = (...checks: (FailVerdict | null)[]): FailVerdict | null => checks.find((c) => c !== null) ?? null
import { clientClosedWith, credentialsOwnerOnly, failedVerification, noCredentials, noResponseDelivered, succeeded, theSession } from '../checks.ts'
import type { Rewrite, SessionStep } from '../device.ts'
import type { ClientCaseContext, Paired } from '../model.ts'
import { clientCase } from './common.ts'

const STEPS: readonly SessionStep[] = [
  'notification', 'unmatched-response', 'bit-flip', 'replay', 'skip-counter', 'reorder', 'truncate', 'text', 'short', 'empty',
]

/**
 * Table 7-2 as a model: the first frame that breaks the session decides the close. A skipped
 * counter sends nothing: it breaks the next sealed frame (a notification, a response, …), so a
 * text, short or empty frame that comes first is what the client refuses (§7.5 checks a frame's
 * type and length before it opens it).
 */
export function predictSession(steps: readonly SessionStep[]): { ok: true } | { ok: false; close: CloseEntry } {
  let counterSkipped = false
  for (const step of steps) {
    if (step === 'skip-counter') {
      counterSkipped = true
      continue
    }
    if (['text', 'short', 'empty'].includes(step)) return { ok: false, close: CLOSES.malformedFrame }
    if (counterSkipped || ['bit-flip', 'replay', 'reorder', 'truncate'].includes(step)) return { ok: false, close: CLOSES.frameAuthFailed }
  }
  // The response is a sealed frame too.
  return counterSkipped ? { ok: false, close: CLOSES.frameAuthFailed } : { ok: true }
}

const sessionSequences = clientCase('7.5-client-frame-sequences', 'pw-sess-7.5-auth-failure',
  'property: sequences of device frames before the response; the client delivers exactly what the model predicts', async (ctx) => {
    let paired: Paired | undefined
    return checkProperty<SessionStep[], ClientCaseContext>(ctx, {
      arbitrary: fc.array(fc.constantFrom(...STEPS), { minLength: 0, maxLength: 4 }),
      describe: (steps) => ({ steps, predicted: predictSession(steps) }),
      async judge(c, steps): Promise<FailVerdict | null> {
        paired ??= await c.paired()
        paired.device.reset({ steps })
        const o = await c.call(paired)
        const predicted = predictSession(steps)
        if (predicted.ok) {
          const response = theSession(o).response
          return firstFail(succeeded(o, `the device sent ${steps.join(', ') || 'only the response'}`),
            JSON.stringify(o.run.stdoutJson) === JSON.stringify(response) ? null : fail('the response printed is not the one sent', response, o.run.stdoutJson))
        }
        return firstFail(failedVerification(o, steps.join(', ')), noResponseDelivered(o), clientClosedWith(theSession(o), predicted.close))
      },
    })
  })

type Field = 'none' | 'pB' | 'cB' | 'client_id' | 'device_id' | 'device_key'
type Mutation = 'flip' | 'random'

function mutate(value: unknown, how: Mutation, field: Field): string {
  const text = String(value)
  if (field === 'client_id' || field === 'device_id') {
    const prefix = text.slice(0, 4)
    return prefix + (how === 'flip' ? (text[4] === 'A' ? 'B' : 'A') + text.slice(5) : base64urlEncode(defaultBackend.randomBytes(16)))
  }
  const bytes = base64urlDecode(text)
  if (how === 'random') return base64urlEncode(defaultBackend.randomBytes(bytes.length))
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
  return base64urlEncode(bytes)
}

const pairingAnswers = clientCase('5.9-client-pairing-answers', 'pw-pair-5.9-client-nothing-stored',
  'property: one field of the pairing answers altered; the client stores credentials exactly when nothing was', async (ctx) => {
    return checkProperty<[Field, Mutation], ClientCaseContext>(ctx, {
      arbitrary: fc.tuple(fc.constantFrom<Field>('none', 'pB', 'cB', 'client_id', 'device_id', 'device_key'), fc.constantFrom<Mutation>('flip', 'random')),
      describe: ([field, how]) => ({ field, how, predicted: field === 'none' ? 'paired, credentials 0600' : 'refused, nothing stored' }),
      async judge(c, [field, how]): Promise<FailVerdict | null> {
        const rewrite: Rewrite = (a) => (field in a ? { ...a, [field]: mutate(a[field], how, field) } : a)
        const inStart = field === 'pB' || field === 'device_key'
        const device = await c.device(field === 'none' ? {} : inStart ? { pairStart: { rewrite } } : { pairFinish: { rewrite } })
        const o = await c.pair(device, c.credentialsPath())
        if (field === 'none') return firstFail(succeeded(o), credentialsOwnerOnly(o))
        return firstFail(failedVerification(o, `${field} ${how}`), noCredentials(o))
      },
    })
  })

export const propertyCases = [sessionSequences, pairingAnswers].map((c) => ({ ...c, runsMany: true }))
