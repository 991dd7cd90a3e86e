/**
 * The credentials file (Node only): one JSON object, written with mode 0600 through a temporary
 * file in the same directory and a rename, so a reader sees the old file or the new one, never a
 * torn one, and the secrets are never readable by other users, not even for a moment.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { parseCredentials, type Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'

export const DEFAULT_CREDENTIALS_FILE = './pairwire-credentials.json'
const OWNER_ONLY = 0o600

export async function readCredentialsFile(path: string): Promise<Credentials> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw ClientError.usage(`the credentials file cannot be read: ${path}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw ClientError.usage(`the credentials file is not JSON: ${path}`)
  }
  return parseCredentials(value)
}

/**
 * Fails unless a credentials file can be created at `path`: checked before pairing, so that a
 * pairing the device records is never lost for want of a place to keep it.
 */
export async function checkWritableLocation(path: string): Promise<void> {
  try {
    await access(dirname(path), constants.W_OK)
  } catch {
    throw ClientError.usage(`the credentials file cannot be written: ${path}`)
  }
}

export async function writeCredentialsFile(path: string, credentials: Credentials): Promise<void> {
  return writeSecretJsonFile(path, credentials)
}

/** Any secret JSON object (the zaparoo-v1 credentials too), written as described above. */
export async function writeSecretJsonFile(path: string, value: object): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    // 'wx': a fresh file created with the mode, never an existing one reopened.
    const file = await open(temporary, 'wx', OWNER_ONLY)
    try {
      await file.writeFile(JSON.stringify(value, null, 2) + '\n')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  } catch {
    await rm(temporary, { force: true })
    throw ClientError.usage(`the credentials file cannot be written: ${path}`)
  }
}
