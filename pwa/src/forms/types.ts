// Form templates as the server sends them (GET /api/v1/forms, pull entity "form_template").

/** A text in both languages; zh-CN is shown first, English when the UI is English. */
export interface Label {
  zh: string
  en: string
}

export type FieldType =
  'text' | 'textarea' | 'number' | 'date' | 'select_one' | 'select_multiple' | 'yes_no' | 'photo' | 'geopoint'

export interface Choice {
  value: string
  label: Label
}

/** show_if: the field appears when another (earlier) field equals a value, or any of several. */
export interface Condition {
  field: string
  equals?: unknown
  in?: unknown[]
}

export interface FieldSpec {
  name: string
  type: FieldType
  label: Label
  hint?: Label
  required?: boolean
  /** Value (number), length (text) or count (select_multiple, photo). */
  min?: number
  max?: number
  integer?: boolean
  choices?: Choice[]
  show_if?: Condition
}

export interface FormTemplate {
  key: string
  version: number
  kind: string
  title: Label
  fields: FieldSpec[]
  active?: boolean
  created_at?: string
}

export type Answers = Record<string, unknown>

/** Field name → messages, as in the API's error envelope. */
export type FieldErrors = Record<string, string[]>

/** A point from the phone's GPS, the shape the server checks. */
export interface GeoPoint {
  lat: number
  lng: number
  accuracy?: number
  [extra: string]: unknown
}

/** Where photo answers live: the outbox's photo store (the page passes it to the renderer). */
export interface PhotoSource {
  /** Store a photo; resolves to its SHA-256, the answer value. */
  add(blob: Blob): Promise<string>
  get(sha: string): Promise<Blob | undefined>
}

export type LabelLanguage = 'zh' | 'en'

export function labelText(label: Label | undefined, lang: LabelLanguage): string {
  if (!label) return ''
  return (lang === 'en' ? label.en : label.zh) || label.zh || label.en
}
