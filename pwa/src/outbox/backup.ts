/**
 * Outbox backup: the owner's undelivered items and their photos in one JSON file the worker
 * can hand over — restored on another phone, or uploaded by a supervisor to
 * POST /api/v1/sync/import, which feeds the items through the push path (ids make it exactly-once).
 */
import type { OutboxItem, OutboxStatus } from './db'
import { OUTBOX_STATUSES } from './db'
import { OutboxStore, isoWithOffset, sha256Hex } from './store'

export const BACKUP_FORMAT = 'gridwalk-outbox-backup'
export const BACKUP_VERSION = 1

export interface BackupPhoto {
  sha256: string
  type: string
  data_base64: string
}

export interface BackupFile {
  format: typeof BACKUP_FORMAT
  version: number
  device_id: string
  owner: string
  exported_at: string
  /** Full local records: the push fields (id, kind, template, created_at, payload, photos, location) plus local state. */
  items: OutboxItem[]
  photos: BackupPhoto[]
}

export interface ImportSummary {
  /** Items added to this phone's outbox. */
  items: number
  /** Items already here (same id): left as they are, the local copy may be further along. */
  skipped: number
  /** Items in the file too broken to queue. */
  invalid: number
  photos: number
  /** Photos whose bytes do not match their hash: not stored; items using them will ask for a fix. */
  badPhotos: string[]
}

export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupFormatError'
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  // Chunks keep String.fromCharCode's argument list under engine limits for big photos.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * One file with every not-done item of the owner and the photos they use. Built from parts so
 * a day of photos is never one giant string in memory.
 */
export async function exportBackup(owner: string, store: OutboxStore = new OutboxStore()): Promise<Blob> {
  const items = (await store.list(owner)).filter((i) => i.status !== 'done')
  const head: Omit<BackupFile, 'photos'> = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    device_id: await store.deviceId(),
    owner,
    exported_at: isoWithOffset(Date.now()),
    items,
  }
  const parts: string[] = [JSON.stringify(head).slice(0, -1), ',"photos":[']
  const shas = new Set<string>()
  items.forEach((i) => i.photos.forEach((s) => shas.add(s)))
  let first = true
  for (const sha of shas) {
    const row = await store.getPhoto(sha)
    if (!row) continue
    const photo: BackupPhoto = {
      sha256: sha,
      type: row.type,
      data_base64: bytesToBase64(new Uint8Array(await row.blob.arrayBuffer())),
    }
    parts.push((first ? '' : ',') + JSON.stringify(photo))
    first = false
  }
  parts.push(']}')
  return new Blob(parts, { type: 'application/json' })
}

/** Suggested file name: owner and local time, safe on every phone's file system. */
export function backupFileName(owner: string, now: number = Date.now()): string {
  const stamp = isoWithOffset(now).slice(0, 16).replace(/[-:]/g, '').replace('T', '-')
  return `gridwalk-outbox-${owner.replace(/[^\w.-]/g, '_')}-${stamp}.json`
}

function validItem(raw: unknown, fallbackOwner: string): OutboxItem | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = raw as Partial<OutboxItem>
  if (typeof r.id !== 'string' || !r.id || typeof r.kind !== 'string' || !r.kind) return null
  if (typeof r.payload !== 'object' || r.payload === null || Array.isArray(r.payload)) return null
  if (typeof r.created_at !== 'string') return null
  const photos = Array.isArray(r.photos) ? r.photos.filter((p): p is string => typeof p === 'string') : []
  let status: OutboxStatus = OUTBOX_STATUSES.includes(r.status as OutboxStatus) ? (r.status as OutboxStatus) : 'pending'
  // Never in flight on a phone that just received it; and `done` ones need no delivery.
  if (status === 'sending') status = 'pending'
  if (status === 'done') return null
  return {
    id: r.id,
    owner: typeof r.owner === 'string' && r.owner ? r.owner : fallbackOwner,
    kind: r.kind,
    template: r.template ?? null,
    payload: r.payload,
    photos,
    location: r.location ?? null,
    created_at: r.created_at,
    status,
    errors: r.errors ?? null,
    error: r.error ?? null,
    server_result: r.server_result ?? null,
    attempts: typeof r.attempts === 'number' ? r.attempts : 0,
    updated_at: typeof r.updated_at === 'string' ? r.updated_at : r.created_at,
    seq: typeof r.seq === 'number' ? r.seq : undefined,
  }
}

/**
 * Restore a backup into this phone's outbox. Items already present are kept as they are;
 * each photo's bytes are checked against its hash before being stored.
 */
export async function importBackup(blob: Blob, store: OutboxStore = new OutboxStore()): Promise<ImportSummary> {
  let file: Partial<BackupFile>
  try {
    file = JSON.parse(await blob.text()) as Partial<BackupFile>
  } catch {
    throw new BackupFormatError('not a JSON file')
  }
  if (typeof file !== 'object' || file === null || file.format !== BACKUP_FORMAT) {
    throw new BackupFormatError('not a Gridwalk outbox backup')
  }
  if (typeof file.version !== 'number' || file.version > BACKUP_VERSION) {
    throw new BackupFormatError(`backup version ${String(file.version)} is newer than this app understands`)
  }
  const owner = typeof file.owner === 'string' ? file.owner : ''
  const summary: ImportSummary = { items: 0, skipped: 0, invalid: 0, photos: 0, badPhotos: [] }

  // Decode and hash everything first: crypto awaits would end an IndexedDB transaction.
  const photos: Array<{ sha256: string; blob: Blob }> = []
  for (const p of Array.isArray(file.photos) ? file.photos : []) {
    if (typeof p?.sha256 !== 'string' || typeof p.data_base64 !== 'string') continue
    let bytes: Uint8Array
    try {
      bytes = base64ToBytes(p.data_base64)
    } catch {
      summary.badPhotos.push(p.sha256)
      continue
    }
    if ((await sha256Hex(bytes)) !== p.sha256.toLowerCase()) {
      summary.badPhotos.push(p.sha256)
      continue
    }
    const type = typeof p.type === 'string' && p.type ? p.type : 'image/jpeg'
    photos.push({ sha256: p.sha256.toLowerCase(), blob: new Blob([bytes.slice().buffer], { type }) })
  }
  const items: OutboxItem[] = []
  for (const raw of Array.isArray(file.items) ? file.items : []) {
    const item = validItem(raw, owner)
    if (item) items.push(item)
    else summary.invalid += 1
  }

  // One transaction: a restore lands whole or not at all.
  const db = await store.db()
  const tx = db.transaction(['outbox', 'photos'], 'readwrite')
  const stamp = isoWithOffset(Date.now())
  for (const p of photos) {
    if (await tx.objectStore('photos').getKey(p.sha256)) continue
    await tx.objectStore('photos').put({
      sha256: p.sha256,
      blob: p.blob,
      type: p.blob.type,
      size: p.blob.size,
      owner: owner || null,
      uploaded: false,
      created_at: stamp,
    })
    summary.photos += 1
  }
  for (const item of items) {
    if (await tx.objectStore('outbox').getKey(item.id)) {
      summary.skipped += 1
      continue
    }
    await tx.objectStore('outbox').put(item)
    summary.items += 1
  }
  await tx.done
  return summary
}
