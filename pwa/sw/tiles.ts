// Basemap tiles cached on demand (the operator's optional tile source): what a worker has seen
// online stays drawn in a basement. Capped by bytes, not entries (tiles vary from 1 to 60 KB),
// and by age, so a phone's storage never fills with old tiles and a source's updates show.

export const TILE_CACHE = 'gridwalk-tiles'
export const TILE_CAP_BYTES = 30 * 1024 * 1024
export const TILE_MAX_AGE_MS = 30 * 24 * 3600 * 1000
/** An opaque answer (a tile server without CORS) hides its size: counted as a typical tile. */
export const OPAQUE_TILE_BYTES = 25 * 1024
const BYTES = 'x-gw-bytes'
const AT = 'x-gw-cached-at'

export interface TileEntry {
  url: string
  bytes: number
  at: number
}

/** Which entries to drop: the expired ones, then the oldest until the rest fit under the cap. */
export function planTrim(entries: readonly TileEntry[], capBytes: number, now: number, maxAgeMs: number): string[] {
  const drop: string[] = []
  const kept = []
  for (const entry of entries) {
    if (now - entry.at > maxAgeMs) drop.push(entry.url)
    else kept.push(entry)
  }
  kept.sort((a, b) => a.at - b.at)
  let total = kept.reduce((sum, e) => sum + e.bytes, 0)
  for (const entry of kept) {
    if (total <= capBytes) break
    drop.push(entry.url)
    total -= entry.bytes
  }
  return drop
}

/** A cross-origin image request: what the map's tile layer sends (our own images are same-origin). */
export function isTileRequest(request: Request, origin: string): boolean {
  return request.method === 'GET' && request.destination === 'image' && new URL(request.url).origin !== origin
}

async function stamped(response: Response, now: number): Promise<Response> {
  if (response.type === 'opaque') return response
  const blob = await response.blob()
  const headers = new Headers(response.headers)
  headers.set(BYTES, String(blob.size))
  headers.set(AT, String(now))
  return new Response(blob, { status: response.status, statusText: response.statusText, headers })
}

function entryOf(url: string, response: Response | undefined, now: number): TileEntry {
  const bytes = Number(response?.headers.get(BYTES)) || OPAQUE_TILE_BYTES
  // An opaque tile has no stamp: it ages from this trim on (kept at most one more period).
  const at = Number(response?.headers.get(AT)) || now
  return { url, bytes, at }
}

let trimming: Promise<void> | null = null

/** Drop what planTrim says; one trim at a time (many tiles arrive at once). */
export function trimTiles(now = Date.now()): Promise<void> {
  trimming ??= (async () => {
    try {
      const cache = await caches.open(TILE_CACHE)
      const keys = await cache.keys()
      const entries = await Promise.all(keys.map(async (k) => entryOf(k.url, await cache.match(k), now)))
      for (const url of planTrim(entries, TILE_CAP_BYTES, now, TILE_MAX_AGE_MS)) await cache.delete(url)
    } finally {
      trimming = null
    }
  })()
  return trimming
}

/** Cache first while fresh; a stale or missing tile is fetched, an expired one served when offline. */
export async function tileResponse(request: Request, waitUntil: (p: Promise<unknown>) => void): Promise<Response> {
  const cache = await caches.open(TILE_CACHE)
  const cached = await cache.match(request)
  const now = Date.now()
  if (cached && now - entryOf(request.url, cached, now).at <= TILE_MAX_AGE_MS) return cached
  try {
    const response = await fetch(request)
    if (response.ok || response.type === 'opaque') {
      const copy = await stamped(response.clone(), now)
      waitUntil(cache.put(request, copy).then(() => trimTiles(now)))
    }
    return response
  } catch (error) {
    if (cached) return cached
    throw error
  }
}
