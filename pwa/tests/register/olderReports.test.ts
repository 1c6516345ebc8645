// 我的上报's history from the server: paging by cursor, merging with what the phone pulled.
import { describe, expect, it } from 'vitest'
import {
  BadPageError,
  OLDER_PAGE_SIZE,
  addPage,
  loadOlder,
  mergeSubmissions,
  parseMinePage,
  startOlder,
} from '../../src/register/olderReports'
import type { SubmissionState } from '../../src/register/types'

function sub(id: string, extra: Partial<SubmissionState> = {}): SubmissionState {
  return { id, kind: 'household_visit', review_status: 'accepted', version: 2, ...extra }
}

/** A server of `count` submissions, newest first, paged by an index cursor like the real one. */
function fakeServer(count: number) {
  const all = Array.from({ length: count }, (_, n) => sub(`s${String(n).padStart(3, '0')}`))
  const asked: Record<string, string | number>[] = []
  const get = async (path: string, { query }: { query: Record<string, string | number> }) => {
    expect(path).toBe('/submissions/mine')
    asked.push(query)
    const start = query.cursor ? Number(query.cursor) : 0
    const size = Number(query.per_page)
    const end = start + size
    return {
      submissions: all.slice(start, end),
      total: count,
      per_page: size,
      next_cursor: end < count ? String(end) : null,
    }
  }
  return { all, asked, get }
}

describe('older reports', () => {
  it('pages through the server by its cursor, each submission once, and stops at the last page', async () => {
    const server = fakeServer(OLDER_PAGE_SIZE * 2 + 7)
    let state = startOlder()
    let pages = 0
    while (!state.done) {
      state = await loadOlder(server.get, state)
      pages += 1
    }
    expect(pages).toBe(3)
    expect(state.rows.map((r) => r.id)).toEqual(server.all.map((r) => r.id))
    expect(state.total).toBe(OLDER_PAGE_SIZE * 2 + 7)
    expect(server.asked[0]).toEqual({ per_page: OLDER_PAGE_SIZE })
    expect(server.asked[1]).toEqual({ per_page: OLDER_PAGE_SIZE, cursor: String(OLDER_PAGE_SIZE) })
    // Done: no more requests.
    expect(await loadOlder(server.get, state)).toBe(state)
    expect(server.asked).toHaveLength(3)
  })

  it('keeps a row sent twice once, and an empty page with a cursor ends the paging', () => {
    let state = addPage(startOlder(), { submissions: [sub('a'), sub('b')], next_cursor: 'c1', total: 3 })
    state = addPage(state, {
      submissions: [sub('b', { review_status: 'returned' }), sub('c')],
      next_cursor: 'c2',
      total: 3,
    })
    expect(state.rows.map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(state.rows[1].review_status).toBe('returned')
    expect(state.done).toBe(false)
    expect(addPage(state, { submissions: [], next_cursor: 'c3', total: 3 }).done).toBe(true)
  })

  it('refuses an answer that is not a page', async () => {
    expect(parseMinePage('<html>portal</html>')).toBeNull()
    expect(parseMinePage({ submissions: [], total: 0, next_cursor: 5 })).toBeNull()
    expect(parseMinePage({ submissions: [{ id: 1 }, sub('ok')], total: 2, next_cursor: null })?.submissions).toEqual([
      sub('ok'),
    ])
    await expect(loadOlder(async () => ({ ok: true }), startOlder())).rejects.toBeInstanceOf(BadPageError)
  })

  it('lays the server pages over the pulled copy: the newer version wins, a tie goes to the server', () => {
    const pulled = [
      sub('a', { version: 3, review_status: 'returned' }),
      sub('b', { version: 1, review_status: 'received' }),
    ]
    const fetched = [
      sub('a', { version: 2, review_status: 'received' }),
      sub('b', { version: 2, review_status: 'returned' }),
      sub('old', { version: 2 }),
    ]
    const merged = new Map(mergeSubmissions(pulled, fetched).map((s) => [s.id, s]))
    expect(merged.get('a')?.review_status).toBe('returned')
    expect(merged.get('b')?.review_status).toBe('returned')
    expect([...merged.keys()].sort()).toEqual(['a', 'b', 'old'])
    const tie = mergeSubmissions([sub('c', { case_state: 'filed' })], [sub('c', { case_state: 'closed' })])
    expect(tie[0].case_state).toBe('closed')
  })
})
