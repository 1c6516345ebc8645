// An export as a background job: ask the server to make the file, wait for it, then fetch it.
// A 200,000-row sheet takes longer than any request may stay open on a phone hotspot or behind a
// proxy, so the desk never holds one request open for the whole export.
import type { ApiClient, DownloadedFile } from '../api'
import { NetworkError } from '../api'
import type { ApiSchema } from '../apiTypes'

export type ExportJob = ApiSchema<'ExportJob'>

export type ExportQuery = Record<string, string | number | boolean | undefined>

/** The screen's filters as the export route reads them from a URL: text, absent when unset. */
export function queryText(query: ExportQuery): Record<string, string> {
  const text: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') text[key] = String(value)
  }
  return text
}

export function finished(job: Pick<ExportJob, 'state'>): boolean {
  return job.state === 'done' || job.state === 'failed'
}

export class ExportFailed extends Error {
  constructor(readonly job: ExportJob) {
    super(job.error?.message ?? 'export failed')
  }
}

export interface RunOptions {
  /** Each state the job is seen in (queued, running, done). */
  onState?: (job: ExportJob) => void
  pollMs?: number
  sleep?: (ms: number) => Promise<void>
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Start the export, wait until it is made, and fetch its file. A failed export throws
 *  ExportFailed with the export's own message; a dropped poll is retried, not given up. */
export async function runExport(
  client: ApiClient,
  path: string,
  query: ExportQuery,
  options: RunOptions = {},
): Promise<{ job: ExportJob; file: DownloadedFile }> {
  const sleep = options.sleep ?? wait
  const pollMs = options.pollMs ?? 1000
  let job = await client.post<ExportJob>('/exports', { path, query: queryText(query) })
  options.onState?.(job)
  let delay = pollMs
  while (!finished(job)) {
    await sleep(delay)
    try {
      job = await client.get<ExportJob>(`/exports/${job.id}`)
      delay = pollMs
      options.onState?.(job)
    } catch (cause) {
      // The desk's Wi-Fi blinked: the export goes on at the server; ask again a little later.
      if (!(cause instanceof NetworkError)) throw cause
      delay = Math.min(delay * 2, 10_000)
    }
  }
  if (job.state === 'failed') throw new ExportFailed(job)
  return { job, file: await fileOf(client, job) }
}

/** The finished export's file (again, for the link the button leaves behind). */
export function fileOf(client: ApiClient, job: Pick<ExportJob, 'id'>): Promise<DownloadedFile> {
  return client.download(`/exports/${job.id}/file`, { timeoutMs: 120_000 })
}
