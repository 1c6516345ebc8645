/**
 * The roster's search: one normalised text per household (building, address, unit and room,
 * head, every resident's name), built once per change of the register, then searched as the
 * worker types. A grid of 500 households is a few microseconds per keystroke. Pure.
 */
import type { RegisterData } from './overlay'
import type { Building, Household, Resident } from './types'

interface Entry {
  household: Household
  building: Building | undefined
  residents: Resident[]
  /** Everything searchable, normalised and joined by a separator no query contains. */
  text: string
  names: string[]
  sortKey: string
}

export interface SearchIndex {
  entries: Entry[]
}

export interface SearchHit {
  household: Household
  building: Building | undefined
  residents: Resident[]
  /** Residents whose name matched, in household order. */
  matched: Resident[]
  /** 0: a resident's whole name; 1: a name starts with it; 2: a name contains it; 3: address or room. */
  rank: number
}

const SEPARATOR = '\u0001'

/** Lowercase, full-width forms folded (３０１ → 301, Ａ → a), spaces and separators dropped. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-－—_·.,，。/#号室]+/g, '')
}

/** The ways a worker writes a unit and room: 2单元301, 2-301, 2 301. */
function placeWords(h: Household): string[] {
  const words = [h.address ?? '', h.unit ?? '', h.room ?? '']
  if (h.unit && h.room) words.push(`${h.unit}${h.room}`, `${h.unit}单元${h.room}`)
  return words
}

export function buildIndex(data: Pick<RegisterData, 'households' | 'buildings' | 'residentsByHousehold'>): SearchIndex {
  const entries: Entry[] = []
  for (const household of data.households.values()) {
    const building = household.building_id ? data.buildings.get(household.building_id) : undefined
    const residents = data.residentsByHousehold.get(household.id) ?? []
    const names = residents.map((r) => normalise(r.name))
    const parts = [
      normalise(household.head_name),
      ...names,
      ...placeWords(household).map(normalise),
      normalise(building?.name ?? ''),
      normalise(building?.address ?? ''),
      // The last four digits of a masked phone are the part a worker remembers.
      (household.phone_masked ?? '').slice(-4),
    ]
    const sortKey = [building?.name ?? '', household.unit ?? '', household.room ?? '', household.address ?? ''].join(
      SEPARATOR,
    )
    entries.push({ household, building, residents, text: parts.filter(Boolean).join(SEPARATOR), names, sortKey })
  }
  return { entries }
}

const collator = new Intl.Collator('zh-CN', { numeric: true })

/** Households matching every word of the query (name, address or room), best matches first. */
export function search(index: SearchIndex, query: string, limit = Infinity): SearchHit[] {
  const words = query.split(/\s+/).map(normalise).filter(Boolean)
  if (!words.length) return []
  const hits: SearchHit[] = []
  for (const entry of index.entries) {
    if (!words.every((w) => entry.text.includes(w))) continue
    let rank = 3
    const matched: Resident[] = []
    entry.names.forEach((name, i) => {
      let best = 9
      for (const w of words) {
        if (name === w) best = Math.min(best, 0)
        else if (name.startsWith(w)) best = Math.min(best, 1)
        else if (name.includes(w)) best = Math.min(best, 2)
      }
      if (best < 9) {
        matched.push(entry.residents[i])
        rank = Math.min(rank, best)
      }
    })
    const head = normalise(entry.household.head_name)
    if (words.some((w) => head === w)) rank = Math.min(rank, 0)
    else if (words.some((w) => head.startsWith(w))) rank = Math.min(rank, 1)
    hits.push({ household: entry.household, building: entry.building, residents: entry.residents, matched, rank })
  }
  const keys = new Map(index.entries.map((e) => [e.household.id, e.sortKey]))
  hits.sort(
    (a, b) => a.rank - b.rank || collator.compare(keys.get(a.household.id) ?? '', keys.get(b.household.id) ?? ''),
  )
  return hits.length > limit ? hits.slice(0, limit) : hits
}
