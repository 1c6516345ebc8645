/**
 * 我的上报's older submissions, read from the server page by page: the phone holds only the open
 * ones and the last week's (the pull snapshot), so history comes from GET /submissions/mine by
 * its cursor while online. Paging state and merging are pure; `loadOlder` takes the API's get.
 */
import type { SubmissionState } from './types'

/** Rows a page asks for: a screenful or two, small enough for a slow link. */
export const OLDER_PAGE_SIZE = 50

export interface OlderReports {
  /** What the server sent, in its order (newest first), each id once. */
  rows: SubmissionState[]
  /** Where the next page starts; null before the first page and after the last. */
  cursor: string | null
  /** The last page has come: nothing older on the server. */
  done: boolean
  /** All the worker's submissions on the server; null until a page said. */
  total: number | null
}

export function startOlder(): OlderReports {
  return { rows: [], cursor: null, done: false, total: null }
}

export interface MinePage {
  submissions: SubmissionState[]
  next_cursor: string | null
  total: number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A /submissions/mine answer, or null when the body is not one (a proxy's page, a captive portal). */
export function parseMinePage(raw: unknown): MinePage | null {
  if (!isRecord(raw) || !Array.isArray(raw.submissions) || typeof raw.total !== 'number') return null
  const cursor = raw.next_cursor
  if (cursor !== null && typeof cursor !== 'string') return null
  const submissions = raw.submissions.filter(
    (s): s is SubmissionState => isRecord(s) && typeof s.id === 'string' && typeof s.kind === 'string',
  )
  return { submissions, next_cursor: cursor, total: raw.total }
}

/** The state after one more page: new ids appended, a repeated id kept once (the later copy wins). */
export function addPage(state: OlderReports, page: MinePage): OlderReports {
  const byId = new Map(state.rows.map((row) => [row.id, row]))
  for (const row of page.submissions) byId.set(row.id, row)
  return {
    rows: [...byId.values()],
    cursor: page.next_cursor,
    // An empty page with a cursor would never end: treat it as the last.
    done: page.next_cursor === null || page.submissions.length === 0,
    total: page.total,
  }
}

/** The query for the next page: the cursor once there is one (the first page has none). */
export function nextQuery(state: OlderReports): Record<string, string | number> {
  return state.cursor ? { per_page: OLDER_PAGE_SIZE, cursor: state.cursor } : { per_page: OLDER_PAGE_SIZE }
}

export class BadPageError extends Error {
  constructor() {
    super('GET /submissions/mine did not answer with a page')
    this.name = 'BadPageError'
  }
}

type Get = (path: string, options: { query: Record<string, string | number> }) => Promise<unknown>

/** Fetch the next page after `state` (ApiError / NetworkError pass through to the screen). */
export async function loadOlder(get: Get, state: OlderReports): Promise<OlderReports> {
  if (state.done) return state
  const page = parseMinePage(await get('/submissions/mine', { query: nextQuery(state) }))
  if (!page) throw new BadPageError()
  return addPage(state, page)
}

/**
 * The phone's pulled submissions with the server's pages laid over: one per id, the copy with the
 * higher version (a review bumps it); on a tie the server's page (read live, the pull may be older).
 */
export function mergeSubmissions(
  pulled: readonly SubmissionState[],
  fetched: readonly SubmissionState[],
): SubmissionState[] {
  const byId = new Map(pulled.map((row) => [row.id, row]))
  for (const row of fetched) {
    const mine = byId.get(row.id)
    if (!mine || (row.version ?? 0) >= (mine.version ?? 0)) byId.set(row.id, row)
  }
  return [...byId.values()]
}
