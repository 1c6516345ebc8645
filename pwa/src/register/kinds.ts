/**
 * The form kinds as the server describes them (server/forms/kinds.py), read from the pulled
 * "form_kinds" catalogue: the phone keeps no list of kinds of its own. Pure.
 *
 * Offline-first: the catalogue is in IndexedDB after the first pull, with the templates. Before
 * it the phone has no template either, so no form opens. A phone whose copy predates the
 * catalogue gets it on its next pull (the server resends it when the cursor's fingerprint is
 * older); until then a form of a kind without a descriptor asks for one sync (useEntryForm).
 */
import type { Label, LabelLanguage } from '../forms/types'
import type { Catalogue } from './types'

export const FORM_KINDS_CATALOGUE = 'form_kinds'

export interface FormKind {
  code: string
  label: Label
  /** The payload keys the kind records (the server rejects any other, besides link_keys). */
  payload_keys: string[]
  /** Keys every kind may add: resubmits, task_id. */
  link_keys: string[]
  opens_case: boolean
  case_kind: string | null
  /** Photos across the whole item (every photo field). */
  min_photos: number
  max_photos: number | null
  /** Where a supervisor reviews it: a report on its case, a visit as a submission. */
  review: 'case' | 'submission'
  /** The built-in template of this kind. */
  template_key: string
}

export type FormKinds = ReadonlyMap<string, FormKind>

function strings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

/** One descriptor as pulled; null when its shape is not one this app can use. */
function parseKind(raw: unknown): FormKind | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Record<string, unknown>
  const label = r.label as Label | undefined
  if (typeof r.code !== 'string' || typeof label?.zh !== 'string' || typeof label.en !== 'string') return null
  if (!strings(r.payload_keys) || !strings(r.link_keys) || typeof r.opens_case !== 'boolean') return null
  if (!count(r.min_photos) || !(r.max_photos === null || count(r.max_photos))) return null
  if (typeof r.template_key !== 'string') return null
  return {
    code: r.code,
    label: { zh: label.zh, en: label.en },
    payload_keys: r.payload_keys,
    link_keys: r.link_keys,
    opens_case: r.opens_case,
    case_kind: typeof r.case_kind === 'string' ? r.case_kind : null,
    min_photos: r.min_photos,
    max_photos: r.max_photos,
    review: r.opens_case ? 'case' : 'submission',
    template_key: r.template_key,
  }
}

/** The pulled descriptors by kind; null when the phone has not pulled them yet. */
export function formKindsFrom(catalogues: readonly Catalogue[]): FormKinds | null {
  const found = catalogues.find((c) => c.id === FORM_KINDS_CATALOGUE)
  if (!found) return null
  const kinds = new Map<string, FormKind>()
  for (const raw of found.items as unknown[]) {
    const kind = parseKind(raw)
    if (kind) kinds.set(kind.code, kind)
  }
  return kinds
}

/**
 * The item's photo count against its kind (server submissions _check_photo_count): the same
 * words, so what the phone says before saving is what the server would say after syncing.
 */
export function photoCountProblem(kind: FormKind, photos: number, lang: LabelLanguage): string | null {
  const low = kind.min_photos
  const high = kind.max_photos
  if (photos >= low && (high === null || photos <= high)) return null
  let zh: string
  let en: string
  if (high === null) [zh, en] = [`至少 ${low} 张照片`, `at least ${low}`]
  else if (low) [zh, en] = [`需要 ${low}–${high} 张照片`, `${low}–${high}`]
  else [zh, en] = [`最多 ${high} 张照片`, `at most ${high}`]
  return lang === 'en'
    ? `A ${kind.label.en.toLowerCase()} takes ${en} photos (this one has ${photos})`
    : `${kind.label.zh}：${zh}（现有 ${photos} 张）`
}
