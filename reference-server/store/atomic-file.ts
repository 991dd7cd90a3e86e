/**
 * Whole-file replacement that a crash cannot tear: the new content goes to a temporary file in
 * the same directory (mode 0600, fsynced), is renamed over the target (rename(2) is atomic within
 * a file system), and the directory is fsynced so the rename itself survives a power loss. A
 * reader therefore sees the old file or the new one, never a mix; a crash leaves at most a stale
 * temporary file, which the next write truncates.
 */
import { mkdir, open, rename } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Owner read/write only: the file holds pairing keys (DESIGN §4). */
export const FILE_MODE = 0o600
export const DIR_MODE = 0o700

export function temporaryPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`)
}

/** Creates the parent directory (mode 0700) when missing. */
export async function ensureParentDir(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE })
}

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = temporaryPathOf(path)
  const file = await open(temporary, 'w', FILE_MODE)
  try {
    // The mode given to open() applies only to a new file and is narrowed by the umask.
    await file.chmod(FILE_MODE)
    await file.writeFile(content, 'utf8')
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path)
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}
