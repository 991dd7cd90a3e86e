/**
 * The credentials file (Node only): one JSON object, written with mode 0600 through a temporary
 * file in the same directory and a rename, so a reader sees the old file or the new one, never a
 * torn one, and the secrets are never readable by other users, not even for a moment.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { parseCredentials, type Credentials } from './credentials.ts'
import { ClientError } from './errors.ts'

const OWNER_ONLY = 0o600
const OWNER_ONLY_DIRECTORY = 0o700

/**
 * The per-user directory the CLI keeps credentials in when no --credentials FILE is given: never
 * the working directory, where a secret would land in whatever repository the user stands in (and
 * in its `npm pack`). $XDG_CONFIG_HOME/pairwire (XDG Base Directory Specification: a relative
 * value is ignored), else %APPDATA%\pairwire on Windows, else ~/.config/pairwire.
 */
export function userConfigDirectory(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  const xdg = env.XDG_CONFIG_HOME
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'pairwire')
  const appData = env.APPDATA
  if (platform === 'win32' && appData !== undefined && isAbsolute(appData)) {
    return join(appData, 'pairwire')
  }
  return join(home, '.config', 'pairwire')
}

export const DEFAULT_CREDENTIALS_BASENAME = 'credentials.json'
export const DEFAULT_CREDENTIALS_FILE = join(userConfigDirectory(), DEFAULT_CREDENTIALS_BASENAME)

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
    // The per-user directory is ours to create (owner only, like the file); a directory named
    // by --credentials is the caller's, and its absence is their error.
    if (dirname(path) === userConfigDirectory()) {
      await mkdir(dirname(path), { recursive: true, mode: OWNER_ONLY_DIRECTORY })
    }
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
