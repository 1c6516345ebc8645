// The offline duplicate hint: before a hazard or city report is saved, the open cases of the same
// category within 50 m or in the same building, from the cases the phone pulled. A fix worse than
// 100 m gives no distance hint (only the same building counts), as the server's rule says.
import type { Answers, GeoPoint } from '../forms/types'
import { distanceM } from './coords'

export const NEAR_M = 50
export const IMPRECISE_M = 100
const OPEN = new Set(['reported', 'filed', 'dispatched', 'handled', 'checked'])

export interface PulledCase {
  id: string
  kind?: string
  category?: string
  subcategory?: string | null
  state?: string
  description?: string
  address?: string | null
  building_id?: string | null
  location?: { lat?: unknown; lng?: unknown; accuracy?: unknown } | null
  reported_at?: string
}

export interface DuplicateCandidate {
  case: PulledCase
  /** Metres between the two fixes, when both are precise enough to say. */
  distanceM: number | null
  sameBuilding: boolean
}

/** The category a report's answers open a case in (server cases/service.py case_row). */
export function reportCategory(caseKind: string | null | undefined, answers: Answers): string | null {
  if (caseKind === 'hazard') return typeof answers.category === 'string' ? answers.category : null
  if (caseKind === 'city' && typeof answers.subcategory === 'string') return answers.subcategory.split('.', 1)[0]
  return null
}

function precisePoint(value: unknown): { lat: number; lng: number } | null {
  const p = value as { lat?: unknown; lng?: unknown; accuracy?: unknown } | null
  if (typeof p?.lat !== 'number' || typeof p?.lng !== 'number') return null
  if (typeof p.accuracy === 'number' && p.accuracy > IMPRECISE_M) return null
  return { lat: p.lat, lng: p.lng }
}

export function duplicateCandidates(
  cases: readonly PulledCase[],
  report: { category: string | null; location: GeoPoint | null; buildingId: string | null },
): DuplicateCandidate[] {
  if (!report.category) return []
  const here = precisePoint(report.location)
  const found: DuplicateCandidate[] = []
  for (const c of cases) {
    if (!OPEN.has(c.state ?? '') || c.category !== report.category) continue
    const sameBuilding = Boolean(report.buildingId && c.building_id === report.buildingId)
    const there = precisePoint(c.location)
    const distance = here && there ? distanceM(here, there) : null
    if (sameBuilding || (distance !== null && distance <= NEAR_M)) {
      found.push({ case: c, distanceM: distance, sameBuilding })
    }
  }
  return found.sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0))
}
