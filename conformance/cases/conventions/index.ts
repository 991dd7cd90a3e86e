/** The cases of spec §2 (conventions): versioning, JSON, base64url, problems, HTTP usage. */
import type { CaseDefinition } from '../../model.ts'
import { unsupportedVersion } from './2.3-unsupported-version.ts'
import { vNotInteger } from './2.3-v-not-integer.ts'
import { jsonObject } from './2.4-json-object.ts'
import { schema } from './2.4-schema.ts'
import { unknownFields } from './2.4-unknown-fields.ts'
import { rejectNoncanonical } from './2.5-reject-noncanonical.ts'
import { expiry } from './2.7-expiry.ts'
import { problemJson } from './2.6-problem-json.ts'
import { problemJsonRandom } from './2.6-problem-json-random.ts'
import { mediaType } from './2.9-media-type.ts'
import { methodNotAllowed } from './2.9-method-not-allowed.ts'
import { noInternalError } from './2.9-no-internal-error.ts'
import { notFound } from './2.9-not-found.ts'
import { hostRequired } from './2.9-host-required.ts'

export const cases: CaseDefinition[] = [
  unsupportedVersion,
  vNotInteger,
  jsonObject,
  unknownFields,
  schema,
  rejectNoncanonical,
  problemJson,
  problemJsonRandom,
  expiry,
  mediaType,
  notFound,
  methodNotAllowed,
  noInternalError,
  hostRequired,
]
