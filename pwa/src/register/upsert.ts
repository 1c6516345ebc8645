/**
 * Queueing a household or resident edit: one outbox item per record at a time. A change to a
 * record whose earlier edit has not left the phone corrects that item (same id, same base
 * version), so the server never sees the worker conflict with themself; otherwise the new item
 * names the version it was made from (base_version), the one a stale edit is caught by.
 */
import type { GridwalkOutbox, OutboxItem } from '../outbox'
import { HOUSEHOLD_UPSERT, sentRecord } from './overlay'

export type UpsertKind = 'household_upsert' | 'resident_upsert'

export class EditBlocked extends Error {
  constructor(
    readonly reason: 'busy' | 'conflict',
    readonly itemId: string,
  ) {
    super(reason)
    this.name = 'EditBlocked'
  }
}

function recordKey(kind: UpsertKind): 'household' | 'resident' {
  return kind === HOUSEHOLD_UPSERT ? 'household' : 'resident'
}

/** The newest item of this owner that edits this record and has not been settled by a pull. */
export function priorEdit(items: readonly OutboxItem[], kind: UpsertKind, id: string): OutboxItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]
    if (item.kind === kind && sentRecord(item)?.id === id) return item
  }
  return undefined
}

/**
 * The base_version for a new edit: the version the server will hold once what is already on
 * its way lands (a delivered item whose pull has not come back), else the pulled version.
 */
export function baseVersionFor(
  prior: OutboxItem | undefined,
  pulledVersion: number | null | undefined,
  lastPullAt: string | null,
): number | null {
  if (prior?.status === 'done' && (!lastPullAt || Date.parse(prior.updated_at) > Date.parse(lastPullAt))) {
    const delivered = prior.server_result?.version
    if (typeof delivered === 'number') return delivered
  }
  return pulledVersion ?? null
}

export async function saveUpsert(
  outbox: GridwalkOutbox,
  owner: string,
  kind: UpsertKind,
  record: Record<string, unknown> & { id: string },
  pulledVersion: number | null | undefined,
  lastPullAt: string | null,
  fixItemId?: string,
): Promise<OutboxItem> {
  const key = recordKey(kind)
  const items = await outbox.store.list(owner)
  const prior = fixItemId ? items.find((i) => i.id === fixItemId) : priorEdit(items, kind, record.id)
  if (prior && prior.status !== 'done') {
    if (prior.status === 'conflict') throw new EditBlocked('conflict', prior.id)
    if (prior.status === 'sending') throw new EditBlocked('busy', prior.id)
    // Not yet accepted: correct that item. Numbers typed earlier and not retyped stay in it.
    const merged = { ...(sentRecord(prior) ?? {}), ...record }
    const base = prior.payload.base_version ?? null
    return outbox.fix(prior.id, { [key]: merged, base_version: base })
  }
  return outbox.submit({
    kind,
    template: null,
    payload: { [key]: record, base_version: baseVersionFor(prior, pulledVersion, lastPullAt) },
  })
}

/** 保留我的: the worker's side again, now based on the server's version; the conflicted item goes. */
export async function keepMine(outbox: GridwalkOutbox, item: OutboxItem): Promise<OutboxItem> {
  const record = sentRecord(item)
  const server = item.server_result?.server as { version?: unknown } | undefined
  if (!record || typeof server?.version !== 'number') throw new Error('no server side to build on')
  const kind = item.kind as UpsertKind
  return outbox.submit({
    kind,
    template: null,
    payload: { [recordKey(kind)]: record, base_version: server.version },
    replaces: item.id,
  })
}
