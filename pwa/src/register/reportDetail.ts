/**
 * One of 我的上报 opened: what was reported, read from the phone's outbox copy while it is there
 * (offline too) or from the server's (GET /submissions/:id), with its answers in the template's
 * words, its photos and place. Pure.
 */
import type { Answers, FormTemplate, GeoPoint, LabelLanguage } from '../forms/types'
import { labelText } from '../forms/types'
import { isGeoPoint } from '../forms/values'
import type { QueuedItem } from './types'

/** What was reported: answers, photos (hashes) and place. */
export interface ReportCopy {
  answers: Answers
  photos: string[]
  location: GeoPoint | null
  buildingId: string | null
}

/** The server's copy also says what became of it. */
export interface ServerReport extends ReportCopy {
  id: string
  kind: string
  template: { key: string; version: number } | null
  createdAt: string
  reviewStatus: string | null
  comment: string | null
  caseId: string | null
  caseState: string | null
  householdId: string | null
  residentId: string | null
}

export interface AnswerLine {
  name: string
  label: string
  text: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** The phone's copy of a form item; null when it carries no answers. */
export function copyFromItem(item: QueuedItem): ReportCopy | null {
  const answers = item.payload.answers
  if (!isRecord(answers)) return null
  return {
    answers: { ...answers },
    photos: strings(item.photos),
    location: isGeoPoint(item.location) ? item.location : null,
    buildingId: text(item.payload.building_id),
  }
}

/** GET /submissions/:id as a report; null when the answer is not one. */
export function reportFromServer(raw: unknown): ServerReport | null {
  if (!isRecord(raw) || typeof raw.id !== 'string' || !isRecord(raw.answers)) return null
  const template = isRecord(raw.template) ? raw.template : null
  return {
    id: raw.id,
    kind: text(raw.kind) ?? '',
    template:
      template && typeof template.key === 'string' && typeof template.version === 'number'
        ? { key: template.key, version: template.version }
        : null,
    createdAt: text(raw.created_at) ?? text(raw.received_at) ?? '',
    answers: { ...raw.answers },
    photos: strings(raw.photos),
    location: isGeoPoint(raw.location) ? raw.location : null,
    buildingId: text(raw.building_id),
    reviewStatus: text(raw.review_status),
    comment: text(raw.review_comment),
    caseId: text(raw.case_id),
    caseState: text(raw.case_state),
    householdId: text(raw.household_id),
    residentId: text(raw.resident_id),
  }
}

/**
 * The answers in the template's order and words: a choice by its label, never its code; yes/no
 * as words; photos left out (they are shown as pictures). Without the template (an old version
 * not on the phone) the answer names stand in for labels.
 */
export function answerLines(
  template: FormTemplate | undefined,
  answers: Answers,
  lang: LabelLanguage,
  words: { yes: string; no: string },
): AnswerLine[] {
  const shown = (value: unknown): boolean =>
    value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && !value.length)
  if (!template) {
    return Object.entries(answers)
      .filter(([, value]) => shown(value) && typeof value !== 'object')
      .map(([name, value]) => ({ name, label: name, text: String(value) }))
  }
  const lines: AnswerLine[] = []
  for (const field of template.fields) {
    const value = answers[field.name]
    if (!shown(value) || field.type === 'photo') continue
    const choice = (code: unknown) => {
      const found = field.choices?.find((c) => c.value === code)
      return found ? labelText(found.label, lang) : String(code)
    }
    let said: string
    if (field.type === 'select_one') said = choice(value)
    else if (field.type === 'select_multiple') said = strings(value).map(choice).join('、')
    else if (field.type === 'yes_no') said = value === true ? words.yes : value === false ? words.no : String(value)
    else if (field.type === 'geopoint' && isGeoPoint(value)) said = `${value.lat.toFixed(6)}, ${value.lng.toFixed(6)}`
    else said = String(value)
    lines.push({ name: field.name, label: labelText(field.label, lang), text: said })
  }
  return lines
}

/** The photo hashes of the answers, in field order (the copy's own list when no template). */
export function photosOf(template: FormTemplate | undefined, copy: ReportCopy): string[] {
  if (!template) return copy.photos
  const named = template.fields.filter((f) => f.type === 'photo').flatMap((f) => strings(copy.answers[f.name]))
  return named.length ? named : copy.photos
}
