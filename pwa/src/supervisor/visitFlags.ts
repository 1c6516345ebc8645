// Residents not reached twice in a row (GET /visits/flags), as the supervisor's home lists them.
import { shanghaiTime } from '../format'
import { listOf } from '../cases/caseModel'

export interface FlaggedResident {
  id: string
  name: string
  gridName: string
  /** The household's address line (else its building's with the door). */
  address: string
  /** The resident's own number, else the household's; masked (138****5678), '' without one. */
  phoneMasked: string
  /** When the last two failed attempts were made, newest first, as the street's wall clock. */
  attempts: string[]
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** The answer of GET /visits/flags as rows to show; anything malformed is left out, not guessed. */
export function flaggedResidents(answer: unknown): FlaggedResident[] {
  return listOf(answer, 'residents')
    .filter(
      (r): r is Record<string, unknown> =>
        typeof r === 'object' && r !== null && typeof (r as Record<string, unknown>).id === 'string',
    )
    .map((r) => {
      const grid = (typeof r.grid === 'object' && r.grid !== null ? r.grid : {}) as Record<string, unknown>
      return {
        id: r.id as string,
        name: text(r.name),
        gridName: text(grid.name) || text(grid.code),
        address: text(r.household_address),
        phoneMasked: text(r.phone_masked) || text(r.household_phone_masked),
        attempts: (Array.isArray(r.attempts) ? r.attempts : [])
          .map((at) => shanghaiTime(text(at)))
          .filter(Boolean)
          .slice(0, 2),
      }
    })
}
