import { describe, expect, it } from 'vitest'
import { createApiClient } from '../api'
import { ExportFailed, queryText, runExport, type ExportJob } from './exportJob'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

function job(state: string, extra: Partial<ExportJob> = {}): ExportJob {
  return { id: 'abc', path: '/cases/export.xlsx', query: {}, state, created_at: '2026-12-05T09:00:00+08:00', ...extra }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

/** A server whose answers to GET /exports/abc are played in order; it records every request. */
function fakeServer(polls: (() => Response)[]) {
  const seen: string[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    seen.push(`${init?.method ?? 'GET'} ${url}`)
    if (init?.method === 'POST') return json(202, job('queued', { query: JSON.parse(String(init.body)).query }))
    if (url.endsWith('/file')) {
      return new Response(new Blob(['PK']), {
        status: 200,
        headers: {
          'Content-Type': XLSX,
          'Content-Disposition': 'attachment; filename="cases.xlsx"; filename*=UTF-8\'\'%E6%A1%88%E4%BB%B6.xlsx',
        },
      })
    }
    const next = polls.shift()
    if (!next) throw new Error('polled past the end')
    return next()
  }
  return { seen, client: createApiClient({ fetch, hooks: { csrfToken: () => 't' } }) }
}

const noWait = async () => {}

describe('export jobs', () => {
  it('sends the filters as text and leaves out the unset ones', () => {
    expect(queryText({ state: 'filed', grid_id: 3, overdue: true, category: undefined, month: '' })).toEqual({
      state: 'filed',
      grid_id: '3',
      overdue: 'true',
    })
  })

  it('waits through a dropped poll until the file is made, then fetches it', async () => {
    const { seen, client } = fakeServer([
      () => {
        throw new TypeError('Failed to fetch')
      },
      () => json(200, job('running')),
      () => json(200, job('done', { download: '/api/v1/exports/abc/file', file_name: '案件.xlsx' })),
    ])
    const states: string[] = []
    const { file } = await runExport(
      client,
      '/cases/export.xlsx',
      { grid_id: 3 },
      {
        sleep: noWait,
        onState: (j) => states.push(j.state),
      },
    )
    expect(states).toEqual(['queued', 'running', 'done'])
    expect(file.filename).toBe('案件.xlsx')
    expect(seen[0]).toBe('POST /api/v1/exports')
    expect(seen.at(-1)).toBe('GET /api/v1/exports/abc/file')
  })

  it("gives the export's own reason when it fails", async () => {
    const failed = job('failed', { error: { status: 404, code: 'not_found', message: '找不到该记录' } })
    const { seen, client } = fakeServer([() => json(200, failed)])
    const run = runExport(client, '/cases/export.xlsx', {}, { sleep: noWait })
    await expect(run).rejects.toBeInstanceOf(ExportFailed)
    await expect(run).rejects.toThrow('找不到该记录')
    expect(seen.some((line) => line.endsWith('/file'))).toBe(false)
  })
})
