/**
 * The resubmission job's start: a returned submission's answers, photos and place, from the
 * phone's outbox copy while it is there (works offline), else the server's, with the note the
 * form shows above them (the supervisor's words, and what could not be brought back).
 */
import type { Answers, FieldSpec, GeoPoint } from '../forms/types'
import { carryAnswers, isGeoPoint } from '../forms/values'
import { t } from '../i18n'
import type { OutboxItem } from '../outbox'
import '../register/messages'
import { prefillFromItem, prefillFromServer, resubmitSource } from '../register/reports'
import type { ResubmitPrefill } from '../register/reports'

/** What of the outbox the prefill reads and writes (the real one, or a test's). */
export interface ResubmitOutbox {
  store: {
    get(id: string): Promise<OutboxItem | undefined>
    getPhoto(sha: string): Promise<unknown>
  }
  addPhoto(blob: Blob): Promise<string>
}

export interface ResubmitSources {
  outbox: ResubmitOutbox
  /** The logged-in worker: another worker's outbox copy is not theirs to refill from. */
  owner: string | undefined
  online: boolean
  /** The supervisor's words as pulled with the worker's submissions, if they are on the phone. */
  pulledComment: string | null
  /** GET /submissions/:id. */
  fetchSubmission(id: string): Promise<unknown>
  /** The server's copy of a photo; null when it cannot be fetched. */
  fetchPhoto(sha: string): Promise<Blob | null>
}

export interface Resubmission {
  /** Shown above the form; empty when there is nothing to say. */
  note: string
  /** The original's answers fitted to the form; null when neither copy could be read. */
  answers: Answers | null
  gridId: number | null
  buildingId: string | null
  householdId: string | null
  residentId: string | null
  location: GeoPoint | null
}

/** The returned submission `id` as the form `fields` start it again. */
export async function loadResubmission(id: string, fields: FieldSpec[], from: ResubmitSources): Promise<Resubmission> {
  const local = await from.outbox.store.get(id)
  const source = resubmitSource(local, from.owner, from.online)
  let original: ResubmitPrefill | null = null
  if (source === 'phone' && local) original = prefillFromItem(local)
  else if (source === 'server') {
    try {
      original = prefillFromServer(await from.fetchSubmission(id))
    } catch {
      // Signal lost on the way or the record is gone: the note says what to do.
    }
  }
  const comment = from.pulledComment ?? original?.comment ?? null
  const lead = comment ? t('report.resubmitting', { comment }) : ''
  const note = (why: string) => [lead, why].filter(Boolean).join(' ')
  if (!original) {
    const why = source === 'offline' ? t('report.resubmitOffline') : t('report.resubmitNoAnswers')
    return {
      note: note(why),
      answers: null,
      gridId: null,
      buildingId: null,
      householdId: null,
      residentId: null,
      location: null,
    }
  }
  const answers = carryAnswers(fields, original.answers as Answers)
  let photosLost = false
  for (const field of fields) {
    const shas = answers[field.name]
    if (field.type !== 'photo' || !Array.isArray(shas)) continue
    const kept: string[] = []
    for (const sha of shas) {
      if (typeof sha !== 'string') continue
      if (await from.outbox.store.getPhoto(sha)) kept.push(sha)
      else {
        // Queued again as a new photo: the server re-encoded it, so its bytes no longer match the old hash.
        const copy = source === 'server' ? await from.fetchPhoto(sha) : null
        if (copy) kept.push(await from.outbox.addPhoto(copy))
        else photosLost = true
      }
    }
    answers[field.name] = kept
  }
  return {
    note: photosLost ? note(t('report.resubmitPhotosLost')) : lead,
    answers,
    gridId: original.gridId,
    buildingId: original.buildingId,
    householdId: original.householdId,
    residentId: original.residentId,
    location: isGeoPoint(original.location) ? original.location : null,
  }
}

/** The server's copy of a photo no longer on the phone; null when it cannot be fetched. */
export async function fetchServerPhoto(sha: string): Promise<Blob | null> {
  try {
    const answer = await fetch(`/api/v1/photos/${encodeURIComponent(sha)}?size=full`, { credentials: 'same-origin' })
    return answer.ok ? await answer.blob() : null
  } catch {
    return null
  }
}
