// The server's form kinds as a phone pulls them (pwa/scripts/form_kinds.py writes the fixture).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { formKindsFrom } from '../../src/register/kinds'
import type { FormKind, FormKinds } from '../../src/register/kinds'
import type { Catalogue } from '../../src/register/types'

export interface PhotoVerdict {
  kind: string
  count: number
  zh: string | null
  en: string | null
}

export const formKindsFixture = JSON.parse(
  readFileSync(resolve(__dirname, '..', 'fixtures', 'form_kinds.json'), 'utf8'),
) as { catalogue: Catalogue; photo_counts: PhotoVerdict[] }

/** The descriptors from the pulled catalogue, as the phone reads them. */
export const serverKinds: FormKinds = formKindsFrom([formKindsFixture.catalogue])!

export function serverKind(code: string): FormKind {
  const kind = serverKinds.get(code)
  if (!kind) throw new Error(`the server has no form kind ${code}`)
  return kind
}
