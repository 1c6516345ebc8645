// Turning what a worker types or picks into answer values, and back for editing. Pure.
import type { Answers, FieldSpec, GeoPoint } from './types'

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)$/

/**
 * The answer for a number box: null when empty, a number when it reads as one, else the text
 * itself (so validation says 应为数字, as the server would, instead of silently dropping it).
 */
export function parseNumberInput(text: string): number | string | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!NUMBER_RE.test(trimmed)) return text
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : text
}

/** The text a number box shows for a stored answer. */
export function numberInputText(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' ? value : ''
}

/** YYYY-MM-DD of the phone's own calendar day (the worker's wall clock is the fact). */
export function localDate(ms: number = Date.now()): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** A new form's starting answers: required dates default to today; nothing else is guessed. */
export function initialAnswers(specs: FieldSpec[], today: string = localDate()): Answers {
  const answers: Answers = {}
  for (const spec of specs) {
    if (spec.type === 'date' && spec.required && !spec.show_if) answers[spec.name] = today
  }
  return answers
}

/**
 * Answers of another version of the same template, kept only where this version has a field
 * of the same name and type (a draft or a correction carried over to a newer version).
 */
export function carryAnswers(specs: FieldSpec[], from: Answers, fromSpecs: FieldSpec[] | null = null): Answers {
  const oldTypes = new Map((fromSpecs ?? []).map((s) => [s.name, s.type]))
  const out: Answers = {}
  for (const spec of specs) {
    if (!(spec.name in from)) continue
    if (fromSpecs && oldTypes.get(spec.name) !== spec.type) continue
    out[spec.name] = from[spec.name]
  }
  return out
}

/** Names of fields that are hidden now but still hold an answer: the renderer clears them. */
export function staleHiddenAnswers(answers: Answers, visible: ReadonlySet<string>, specs: FieldSpec[]): string[] {
  return specs
    .filter((s) => !visible.has(s.name) && answers[s.name] !== undefined && answers[s.name] !== null)
    .map((s) => s.name)
}

/** The largest size within maxSide on the long side, keeping the aspect ratio (never enlarging). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height)
  if (long <= maxSide || long <= 0) return { width, height }
  const scale = maxSide / long
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** A GPS fix as the answer the server checks: 6 decimals is about 10 cm, more is noise. */
export function geoPointFrom(coords: { latitude: number; longitude: number; accuracy: number }): GeoPoint {
  const round = (n: number, digits: number) => Number(n.toFixed(digits))
  return {
    lat: round(coords.latitude, 6),
    lng: round(coords.longitude, 6),
    accuracy: round(Math.max(0, coords.accuracy), 1),
  }
}

export function isGeoPoint(value: unknown): value is GeoPoint {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Record<string, unknown>
  return typeof p.lat === 'number' && typeof p.lng === 'number'
}
