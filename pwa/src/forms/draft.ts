// A new form's answers kept as they are typed, so a killed tab or an app update loses nothing.
import { readJson, removeKey, writeJson } from '../storage'
import { SCREEN_CACHE_PREFIX } from '../stores/auth'
import type { Answers } from './types'

export interface Draft {
  template: { key: string; version: number }
  grid_id: number | null
  answers: Answers
  /** What the form is about beyond its answers (a report's building and GPS fix). */
  context?: Record<string, unknown>
  saved_at: string
}

// Under the per-user screen cache: logout and a change of user drop drafts with the rest.
function draftKey(userId: number, templateKey: string): string {
  return `${SCREEN_CACHE_PREFIX}${userId}.draft.${templateKey}`
}

export function readDraft(userId: number, templateKey: string): Draft | null {
  const draft = readJson<Draft>(draftKey(userId, templateKey))
  if (!draft || typeof draft !== 'object' || typeof draft.answers !== 'object' || draft.answers === null) return null
  return draft
}

export function writeDraft(userId: number, templateKey: string, draft: Omit<Draft, 'saved_at'>): void {
  writeJson(draftKey(userId, templateKey), { ...draft, saved_at: new Date().toISOString() })
}

export function clearDraft(userId: number, templateKey: string): void {
  removeKey(draftKey(userId, templateKey))
}

/** A draft worth restoring: an answer to a field the new form does not fill in by itself (today's date). */
export function draftHasContent(draft: Draft | null, initial: Answers): boolean {
  if (!draft) return false
  return Object.entries(draft.answers).some(([name, value]) => {
    if (name in initial) return false
    return !(value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length))
  })
}
