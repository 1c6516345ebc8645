// The sync engine and the app's API client against an in-process fake of the Flask server (a
// `fetch` that keeps its own rows and speaks the push/pull/photo protocol), on a real
// fake-indexeddb outbox.
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { createApiClient } from '../api'
import type { ApiHooks, FetchLike } from '../api'
import { OutboxStore, sha256Hex } from './store'
import { SyncEngine, runSyncInWorker } from './engine'
import type { LockManagerLike, SyncEngineOptions } from './engine'
import type { ReplicaChange } from './store'

// ---- the fake server --------------------------------------------------------------------

type Mode = 'normal' | 'unauthorized' | 'password_change' | 'server_error' | 'network_down' | 'portal' | 'misrouted'

interface ServerRow {
  id: string
  content: string
  payload: Record<string, unknown>
}

interface WireItem {
  id: string
  kind: string
  template: unknown
  created_at: string
  payload: Record<string, unknown>
  photos: string[]
  location: unknown
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
const apiError = (status: number, code: string, message = code, fields?: Record<string, string[]>) =>
  json(status, { error: { code, message, ...(fields ? { fields } : {}) } })

class FakeServer {
  mode: Mode = 'normal'
  csrf = 'csrf-ok'
  rows = new Map<string, ServerRow>()
  inserts = 0
  photos = new Map<string, { type: string; size: number }>()
  photoPuts = 0
  changes: Array<{ seq: number; change: ReplicaChange }> = []
  requests: string[] = []
  /** What each request carried that the client adds: language and CSRF token. */
  sent: Array<{ request: string; language: string | null; csrf: string | null }> = []
  pushBodies: Array<{ device_id: string; app_version: string; items: WireItem[] }> = []
  maxBodyBytes = 1024 * 1024
  /** Size limit enforced by a proxy in front (nginx): an HTML 413, not our JSON envelope. */
  proxyMaxBodyBytes = Infinity
  /** Commit the next N pushes, then drop the connection before the answer. */
  losePushResponses = 0
  /** Commit the next N pushes, then break the connection halfway through the answer's body. */
  breakPushAnswers = 0
  /** Fail the Nth push request (1-based) as a network error before it reaches the app. */
  dropPushNumber = 0
  pushCount = 0
  /** Answer 500 to the Nth pull request (1-based). */
  failPullNumber = 0
  pullCount = 0
  /** PUT of this sha arrives with other bytes (a broken upload): the hash check fails. */
  corruptPhoto: string | null = null
  /** A slow link: each push takes this long to arrive (the client's timeout may cut it off). */
  pushDelayMs = 0
  /** Holds push requests until released (to overlap sync runs). */
  gate: Promise<void> | null = null
  inFlight = 0
  maxInFlight = 0

  addChange(change: ReplicaChange): void {
    this.changes.push({ seq: this.changes.length + 1, change })
  }

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(new URL(String(input), 'http://gridwalk.test'), init)
    const url = new URL(req.url)
    this.requests.push(`${req.method} ${url.pathname}${url.search}`)
    this.sent.push({
      request: `${req.method} ${url.pathname}`,
      language: req.headers.get('Accept-Language'),
      csrf: req.headers.get('X-CSRF-Token'),
    })
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.mode === 'network_down') throw new TypeError('Failed to fetch')
      if (this.mode === 'portal')
        return new Response('<html>请登录 WiFi</html>', { status: 200, headers: { 'Content-Type': 'text/html' } })
      if (this.mode === 'unauthorized') return apiError(401, 'unauthorized', '请重新登录')
      if (this.mode === 'password_change') return apiError(403, 'password_change_required', '请先修改密码')
      if (this.mode === 'server_error') return apiError(500, 'internal', 'boom')
      if (this.mode === 'misrouted')
        return new Response('<html>404 Not Found</html>', { status: 404, headers: { 'Content-Type': 'text/html' } })
      return await this.route(req, url)
    } finally {
      this.inFlight -= 1
    }
  }

  private async route(req: Request, url: URL): Promise<Response> {
    const unsafe = !['GET', 'HEAD'].includes(req.method)
    if (unsafe && req.headers.get('X-CSRF-Token') !== this.csrf)
      return apiError(400, 'csrf_failed', 'CSRF token missing or expired')
    const photo = url.pathname.match(/^\/api\/v1\/photos\/([0-9a-f]{64})$/)
    if (photo && req.method === 'HEAD') return new Response(null, { status: this.photos.has(photo[1]) ? 200 : 404 })
    if (photo && req.method === 'PUT') return this.putPhoto(photo[1], req)
    if (url.pathname === '/api/v1/sync/push' && req.method === 'POST') return this.push(req)
    if (url.pathname === '/api/v1/sync/pull' && req.method === 'GET') return this.pull(url)
    return apiError(404, 'not_found')
  }

  private async putPhoto(sha: string, req: Request): Promise<Response> {
    this.photoPuts += 1
    let bytes = new Uint8Array(await req.arrayBuffer())
    if (sha === this.corruptPhoto) bytes = new TextEncoder().encode('truncated')
    if ((await sha256Hex(bytes)) !== sha) return apiError(422, 'hash_mismatch', '照片校验不一致')
    const type = req.headers.get('Content-Type') ?? ''
    if (!type.startsWith('image/')) return apiError(415, 'unsupported_media_type')
    if (this.photos.has(sha)) return new Response(null, { status: 200 })
    this.photos.set(sha, { type, size: bytes.length })
    return new Response(null, { status: 201 })
  }

  private async push(req: Request): Promise<Response> {
    this.pushCount += 1
    if (this.pushCount === this.dropPushNumber) throw new TypeError('connection reset')
    if (this.gate) await this.gate
    if (this.pushDelayMs) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, this.pushDelayMs)
        req.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(new DOMException('aborted', 'AbortError'))
        })
      })
    }
    const raw = await req.text()
    if (new TextEncoder().encode(raw).length > this.proxyMaxBodyBytes) {
      return new Response('<html>413 Request Entity Too Large</html>', {
        status: 413,
        headers: { 'Content-Type': 'text/html' },
      })
    }
    if (new TextEncoder().encode(raw).length > this.maxBodyBytes) return apiError(413, 'too_large', '请求太大')
    const body = JSON.parse(raw) as { device_id: string; app_version: string; items: WireItem[] }
    if (!Array.isArray(body.items) || body.items.length > 100)
      return apiError(400, 'validation_failed', 'at most 100 items')
    this.pushBodies.push(body)
    const results = body.items.map((item) => this.pushItem(item))
    if (this.losePushResponses > 0) {
      this.losePushResponses -= 1
      throw new TypeError('network lost after commit')
    }
    if (this.breakPushAnswers > 0) {
      this.breakPushAnswers -= 1
      const text = JSON.stringify({ results, server_time: '2025-03-01T10:00:00+08:00' })
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, 20)))
          controller.error(new TypeError('terminated'))
        },
      })
      return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } })
    }
    return json(200, { results, server_time: '2025-03-01T10:00:00+08:00' })
  }

  private pushItem(item: WireItem): Record<string, unknown> {
    const content = JSON.stringify([
      item.kind,
      item.template,
      item.created_at,
      item.payload,
      item.photos,
      item.location,
    ])
    const existing = this.rows.get(item.id)
    if (existing) {
      return existing.content === content
        ? { id: item.id, status: 'duplicate', submission_id: item.id }
        : {
            id: item.id,
            status: 'conflict',
            error: { code: 'conflict', message: '内容不一致' },
            server: { payload: existing.payload },
          }
    }
    if (item.kind === 'household_visit' && typeof item.payload.visit_date !== 'string') {
      return {
        id: item.id,
        status: 'rejected',
        error: { code: 'validation_failed', message: '请检查', fields: { visit_date: ['必填'] } },
      }
    }
    if (item.payload.grid === 'other') {
      return { id: item.id, status: 'forbidden', error: { code: 'forbidden', message: '不在您的网格' } }
    }
    const missing = item.photos.filter((s) => !this.photos.has(s))
    if (missing.length) return { id: item.id, status: 'missing_photos', missing }
    this.rows.set(item.id, { id: item.id, content, payload: item.payload })
    this.inserts += 1
    this.addChange({
      entity: 'submission',
      op: 'upsert',
      id: item.id,
      version: 1,
      data: { id: item.id, review: 'received' },
    })
    return { id: item.id, status: 'accepted', submission_id: item.id }
  }

  private pull(url: URL): Response {
    this.pullCount += 1
    if (this.pullCount === this.failPullNumber) return apiError(503, 'unavailable')
    const cursor = url.searchParams.get('cursor')
    const limit = Number(url.searchParams.get('limit') ?? 500)
    let after = 0
    if (cursor !== null) {
      const m = cursor.match(/^c(\d+)$/)
      if (!m) return apiError(400, 'bad_cursor', 'cursor not understood')
      after = Number(m[1])
    }
    const page = this.changes.filter((c) => c.seq > after).slice(0, limit)
    const last = page.length ? page[page.length - 1].seq : after
    return json(200, {
      changes: page.map((c) => c.change),
      cursor: `c${last}`,
      has_more: this.changes.some((c) => c.seq > last),
    })
  }
}

// ---- helpers ----------------------------------------------------------------------------

let dbCounter = 0

/** The app's real client on the fake server, logged in with the server's CSRF token unless hooks say otherwise. */
function clientFor(fetch: FetchLike | FakeServer, hooks: ApiHooks = {}) {
  const send = fetch instanceof FakeServer ? fetch.fetch : fetch
  const csrf = fetch instanceof FakeServer ? fetch.csrf : null
  return createApiClient({ fetch: send, hooks: { csrfToken: () => csrf, ...hooks } })
}

function setup(server: FakeServer, extra: Partial<SyncEngineOptions> = {}) {
  const store = new OutboxStore({ dbName: `gridwalk-engine-test-${++dbCounter}` })
  const engine = new SyncEngine({
    store,
    api: clientFor(server),
    getOwner: () => 'wang',
    appVersion: '1.0.0-test',
    locks: null,
    ...extra,
  })
  return { store, engine }
}

const visit = (
  payload: Record<string, unknown> = { visit_date: '2025-03-01', people_met: 2 },
  photos: string[] = [],
) => ({
  owner: 'wang',
  kind: 'household_visit',
  template: { key: 'household_visit', version: 1 },
  payload,
  photos,
})

const jpeg = (text: string) => new Blob([text], { type: 'image/jpeg' })

async function statuses(store: OutboxStore): Promise<string[]> {
  return (await store.list('wang')).map((i) => i.status)
}

/** Web Locks as two tabs of one origin see them: one holder per name, ifAvailable answers null. */
function sharedLocks(): LockManagerLike {
  const held = new Set<string>()
  return {
    async request(name, _options, callback) {
      if (held.has(name)) return callback(null)
      held.add(name)
      try {
        return await callback({ name })
      } finally {
        held.delete(name)
      }
    },
  }
}

// ---- tests ------------------------------------------------------------------------------

describe('SyncEngine: delivery', () => {
  it('uploads the photo, pushes every item once, then pulls', async () => {
    const server = new FakeServer()
    server.addChange({ entity: 'household', op: 'upsert', id: 7, version: 3, data: { id: 7, address: '3号楼201' } })
    const { store, engine } = setup(server)
    const sha = await store.addPhoto(jpeg('front door'), 'wang')
    const items = [
      await store.add(visit({ visit_date: '2025-03-01' }, [sha])),
      await store.add(visit()),
      await store.add(visit()),
    ]

    const status = await engine.sync()

    expect(status.state).toBe('idle')
    expect(await statuses(store)).toEqual(['done', 'done', 'done'])
    expect(server.rows.size).toBe(3)
    expect(server.photos.get(sha)).toEqual({ type: 'image/jpeg', size: 10 })
    expect(server.requests).toEqual([
      `HEAD /api/v1/photos/${sha}`,
      `PUT /api/v1/photos/${sha}`,
      'POST /api/v1/sync/push',
      'GET /api/v1/sync/pull?limit=1000',
    ])
    const body = server.pushBodies[0]
    expect(body.device_id).toBe(await store.deviceId())
    expect(body.app_version).toBe('1.0.0-test')
    expect(body.items.map((i) => i.id)).toEqual(items.map((i) => i.id))
    expect(Object.keys(body.items[0]).sort()).toEqual([
      'created_at',
      'id',
      'kind',
      'location',
      'payload',
      'photos',
      'template',
    ])
    expect((await store.get(items[0].id))?.server_result).toMatchObject({
      status: 'accepted',
      submission_id: items[0].id,
    })
    expect(await store.getEntity('household', 7)).toEqual({ id: 7, address: '3号楼201' })
    expect(await store.getEntities('submission')).toHaveLength(3)
    expect(status.progress).toEqual({ itemsDone: 3, itemsTotal: 3, photoBytesSent: 10, photoBytesTotal: 10 })
    expect(status.lastSuccessAt).not.toBeNull()
    expect(await store.getLastSyncAt('wang')).toBe(status.lastSuccessAt)
    expect(status.counts).toMatchObject({ pending: 0, done: 3 })
    expect((await store.getPhoto(sha))?.uploaded).toBe(true)
  })

  it('loses and duplicates nothing when the network fails mid-push', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server, { maxBatchItems: 2 })
    for (let i = 0; i < 5; i += 1) await store.add(visit({ visit_date: '2025-03-01', n: i }))
    server.dropPushNumber = 2 // the first batch commits, the second never reaches the server

    const failed = await engine.sync()
    expect(failed.state).toBe('offline')
    expect(await statuses(store)).toEqual(['done', 'done', 'pending', 'pending', 'pending'])
    expect(server.rows.size).toBe(2)

    server.mode = 'network_down'
    expect((await engine.sync({ reason: 'retry' })).state).toBe('offline')
    expect(await statuses(store)).toEqual(['done', 'done', 'pending', 'pending', 'pending'])

    server.mode = 'normal'
    expect((await engine.sync()).state).toBe('idle')
    expect(await statuses(store)).toEqual(['done', 'done', 'done', 'done', 'done'])
    expect(server.rows.size).toBe(5)
    expect(server.inserts).toBe(5)
  })

  it('a response lost after the commit is answered duplicate on retry: one row, item done', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const item = await store.add(visit())
    server.losePushResponses = 1

    expect((await engine.sync()).state).toBe('offline')
    expect((await store.get(item.id))?.status).toBe('pending')
    expect(server.rows.size).toBe(1)

    expect((await engine.sync()).state).toBe('idle')
    const stored = await store.get(item.id)
    expect(stored?.status).toBe('done')
    expect(stored?.server_result?.status).toBe('duplicate')
    expect(stored?.attempts).toBe(2)
    expect(server.rows.size).toBe(1)
    expect(server.inserts).toBe(1)
  })

  it('an answer that breaks off after the commit is answered duplicate on retry: one row, item done', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const item = await store.add(visit())
    server.breakPushAnswers = 1

    expect((await engine.sync()).state).toBe('offline')
    expect((await store.get(item.id))?.status).toBe('pending')
    expect(server.rows.size).toBe(1)

    expect((await engine.sync()).state).toBe('idle')
    expect((await store.get(item.id))?.server_result?.status).toBe('duplicate')
    expect(server.inserts).toBe(1)
  })

  it("every request goes through the app's client: its language, its CSRF token on writes, its network hooks", async () => {
    const server = new FakeServer()
    const seen: string[] = []
    const api = clientFor(server, {
      language: () => 'en',
      onReachable: () => seen.push('reachable'),
      onNetworkError: () => seen.push('network'),
    })
    const { store, engine } = setup(server, { api })
    await store.add(visit(undefined, [await store.addPhoto(jpeg('gate'), 'wang')]))

    await engine.sync()
    expect(server.sent.map((r) => [r.request.split(' ')[0], r.language, r.csrf])).toEqual([
      ['HEAD', 'en', null],
      ['PUT', 'en', 'csrf-ok'],
      ['POST', 'en', 'csrf-ok'],
      ['GET', 'en', null],
    ])
    expect(seen).toEqual(['reachable', 'reachable', 'reachable', 'reachable'])

    // The offline banner hears of a failed sync as of any failed request.
    server.mode = 'network_down'
    await store.add(visit())
    expect((await engine.sync()).state).toBe('offline')
    expect(seen.slice(4)).toEqual(['network'])
  })

  it('forgets delivered items after the kept days, once a day', async () => {
    const server = new FakeServer()
    let now = Date.parse('2025-03-01T02:00:00Z')
    const store = new OutboxStore({ dbName: `gridwalk-engine-test-${++dbCounter}`, now: () => now })
    const engine = new SyncEngine({
      store,
      api: clientFor(server),
      getOwner: () => 'wang',
      appVersion: 't',
      locks: null,
      now: () => now,
      keepDoneDays: 7,
    })
    const item = await store.add(visit())
    await engine.sync()
    expect((await store.get(item.id))?.status).toBe('done')
    now += 8 * 24 * 3600_000
    await engine.sync()
    expect(await store.get(item.id)).toBeUndefined()
    expect(server.rows.size).toBe(1)
  })

  it('resets items stranded in sending by a crash and delivers them', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const item = await store.add(visit())
    await store.markSending([item.id]) // the tab died here
    expect((await engine.sync()).state).toBe('idle')
    expect((await store.get(item.id))?.status).toBe('done')
  })
})

describe('SyncEngine: per-item answers', () => {
  it('a rejected item waits for the fix while the others flow', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const a = await store.add(visit())
    const bad = await store.add(visit({ people_met: 1 }))
    const c = await store.add(visit())

    expect((await engine.sync()).state).toBe('idle')
    expect((await store.get(a.id))?.status).toBe('done')
    expect((await store.get(c.id))?.status).toBe('done')
    expect(await store.get(bad.id)).toMatchObject({
      status: 'needs_fix',
      errors: { visit_date: ['必填'] },
      error: { code: 'validation_failed', message: '请检查' },
    })
    expect(engine.getStatus().counts).toMatchObject({ needs_fix: 1, attention: 1 })

    await store.fix(bad.id, { people_met: 1, visit_date: '2025-03-02' })
    await engine.sync()
    expect((await store.get(bad.id))?.status).toBe('done')
    expect(server.rows.size).toBe(3)
  })

  it('keeps forbidden and conflicting items, with the server answer, for the worker', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const outside = await store.add(visit({ visit_date: '2025-03-01', grid: 'other' }))
    const clash = await store.add(visit())
    server.rows.set(clash.id, { id: clash.id, content: 'something else', payload: { visit_date: '2024-12-31' } })

    await engine.sync()
    expect(await store.get(outside.id)).toMatchObject({
      status: 'forbidden',
      error: { code: 'forbidden', message: '不在您的网格' },
    })
    expect(await store.get(clash.id)).toMatchObject({
      status: 'conflict',
      server_result: { status: 'conflict', server: { payload: { visit_date: '2024-12-31' } } },
    })
    expect(engine.getStatus().counts).toMatchObject({ forbidden: 1, conflict: 1, attention: 2 })
  })
})

describe('SyncEngine: photos', () => {
  it('uploads a photo used by two items once, and skips one the server already has', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const shared = await store.addPhoto(jpeg('shared photo'), 'wang')
    expect(await store.addPhoto(jpeg('shared photo'), 'wang')).toBe(shared)
    const known = await store.addPhoto(jpeg('already there'), 'wang')
    server.photos.set(known, { type: 'image/jpeg', size: 13 })
    await store.add(visit(undefined, [shared, known]))
    await store.add(visit(undefined, [shared]))

    await engine.sync()
    expect(server.photoPuts).toBe(1)
    expect(server.requests.filter((r) => r.startsWith('PUT'))).toEqual([`PUT /api/v1/photos/${shared}`])
    expect(await statuses(store)).toEqual(['done', 'done'])
    expect((await store.getPhoto(known))?.uploaded).toBe(true)
  })

  it('uploads photos the server says are missing, then pushes again in the same run', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const sha = await store.addPhoto(jpeg('lost on the server'), 'wang')
    await store.setPhotoUploaded([sha], true) // we believed it was there
    const item = await store.add(visit(undefined, [sha]))

    expect((await engine.sync()).state).toBe('idle')
    expect((await store.get(item.id))?.status).toBe('done')
    expect(server.requests).toEqual([
      'POST /api/v1/sync/push',
      `HEAD /api/v1/photos/${sha}`,
      `PUT /api/v1/photos/${sha}`,
      'POST /api/v1/sync/push',
      'GET /api/v1/sync/pull?limit=1000',
    ])
    expect(server.rows.size).toBe(1)
  })

  it('a photo the server refuses sends its items to be fixed; the rest still go', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    const broken = await store.addPhoto(jpeg('broken photo'), 'wang')
    server.corruptPhoto = broken
    const withBroken = await store.add(visit(undefined, [broken]))
    const plain = await store.add(visit())

    expect((await engine.sync()).state).toBe('idle')
    expect(await store.get(withBroken.id)).toMatchObject({
      status: 'needs_fix',
      error: { code: 'photo_hash_mismatch', message: '照片校验不一致' },
    })
    expect((await store.get(plain.id))?.status).toBe('done')
    expect(server.rows.has(withBroken.id)).toBe(false)
    expect((await store.getPhoto(broken))?.uploaded).toBe(false)
  })
})

describe('SyncEngine: batches', () => {
  it('sends at most 100 items per request', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    for (let i = 0; i < 250; i += 1) await store.add(visit({ visit_date: '2025-03-01', n: i }))
    await engine.sync()
    expect(server.pushBodies.map((b) => b.items.length)).toEqual([100, 100, 50])
    expect(server.rows.size).toBe(250)
  })

  it('halves a batch the server finds too big, never dropping an item', async () => {
    const server = new FakeServer()
    server.maxBodyBytes = 3_000
    const { store, engine } = setup(server)
    const note = '楼道堆放杂物'.repeat(20) // ~360 bytes of UTF-8 per item
    for (let i = 0; i < 20; i += 1) await store.add(visit({ visit_date: '2025-03-01', n: i, note }))
    const huge = await store.add(visit({ visit_date: '2025-03-01', note: note.repeat(10) }))

    expect((await engine.sync()).state).toBe('idle')
    expect(server.rows.size).toBe(20)
    expect(server.inserts).toBe(20)
    expect(server.pushBodies.every((b) => b.items.length <= 8)).toBe(true)
    // Alone and still too big: kept for the worker, with the reason.
    expect(await store.get(huge.id)).toMatchObject({ status: 'needs_fix', error: { code: 'item_too_large' } })
    expect((await store.list('wang')).filter((i) => i.status === 'done')).toHaveLength(20)
  })
})

describe('SyncEngine: slow links', () => {
  it('a push gets time for its bytes: a big batch arrives where the base timeout alone would cut it off', async () => {
    const server = new FakeServer()
    server.pushDelayMs = 200
    const { store, engine } = setup(server, { requestTimeoutMs: 50 })
    const small = await store.add(visit())
    expect((await engine.sync()).state).toBe('offline') // ~300 bytes: 50 ms + a few, then cut off
    expect((await store.get(small.id))?.status).toBe('pending')
    expect(server.rows.size).toBe(0)

    // ~20 KB of notes: about a second more, enough for the slow push.
    await store.add(visit({ visit_date: '2025-03-01', note: '楼道堆放杂物'.repeat(1_200) }))
    expect((await engine.sync()).state).toBe('idle')
    expect(await statuses(store)).toEqual(['done', 'done'])
    expect(server.inserts).toBe(2)
  })
})

describe('SyncEngine: answers from something other than the app', () => {
  it("a proxy's HTML 413 still halves the batch", async () => {
    const server = new FakeServer()
    server.proxyMaxBodyBytes = 2_000
    const { store, engine } = setup(server)
    for (let i = 0; i < 12; i += 1)
      await store.add(visit({ visit_date: '2025-03-01', n: i, note: '井盖缺失'.repeat(20) }))
    expect((await engine.sync()).state).toBe('idle')
    expect(server.rows.size).toBe(12)
    expect(await statuses(store)).toEqual(Array(12).fill('done'))
  })

  it('a 404 page for the whole push flags no item: retried later, items untouched', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    await store.add(visit())
    await store.add(visit())
    server.mode = 'misrouted'
    const s = await engine.sync()
    expect(s.state).toBe('error')
    expect(s.lastError?.code).toBe('http_404')
    expect(s.nextRetryAt).not.toBeNull()
    expect(await statuses(store)).toEqual(['pending', 'pending'])
  })
})

describe('SyncEngine: failures that stop a run', () => {
  it('401 pauses and asks for login, with the outbox intact and no retry timer', async () => {
    const server = new FakeServer()
    const sessionEnded = vi.fn()
    const timers: number[] = []
    const { store, engine } = setup(server, {
      api: clientFor(server, { onUnauthorized: sessionEnded }),
      setTimeout: (_fn, ms) => timers.push(ms),
    })
    const sha = await store.addPhoto(jpeg('p'), 'wang')
    await store.add(visit(undefined, [sha]))
    await store.add(visit())
    server.mode = 'unauthorized'

    const status = await engine.sync()
    expect(status.state).toBe('auth_required')
    expect(status.nextRetryAt).toBeNull()
    expect(sessionEnded).toHaveBeenCalledTimes(1)
    expect(await statuses(store)).toEqual(['pending', 'pending'])
    expect(timers).toEqual([])

    // Automatic triggers wait for the worker; a new login (or the button) goes again.
    server.mode = 'normal'
    expect((await engine.sync({ reason: 'visible' })).state).toBe('auth_required')
    expect(sessionEnded).toHaveBeenCalledTimes(1)
    expect((await engine.sync()).state).toBe('idle')
    expect(await statuses(store)).toEqual(['done', 'done'])
  })

  it('a refused CSRF token is treated like an ended session, not as bad items', async () => {
    const server = new FakeServer()
    const sessionEnded = vi.fn()
    const { store, engine } = setup(server, {
      api: clientFor(server, { csrfToken: () => 'stale', onUnauthorized: sessionEnded }),
    })
    await store.add(visit())
    await store.add(visit())
    expect((await engine.sync()).state).toBe('auth_required')
    expect(sessionEnded).toHaveBeenCalledTimes(1)
    expect(await statuses(store)).toEqual(['pending', 'pending'])
    expect(server.pushBodies).toHaveLength(0)
  })

  it('a password the user must change first pauses the run; no item is marked for fixing', async () => {
    const server = new FakeServer()
    const changePassword = vi.fn()
    const sessionEnded = vi.fn()
    const { store, engine } = setup(server, {
      api: clientFor(server, { onPasswordChangeRequired: changePassword, onUnauthorized: sessionEnded }),
    })
    await store.add(visit())
    server.mode = 'password_change'
    const status = await engine.sync()
    expect(status.state).toBe('auth_required')
    expect(status.lastError?.code).toBe('password_change_required')
    expect(changePassword).toHaveBeenCalled()
    expect(sessionEnded).not.toHaveBeenCalled()
    expect(await statuses(store)).toEqual(['pending'])
    server.mode = 'normal'
    expect((await engine.sync()).state).toBe('idle')
    expect(await statuses(store)).toEqual(['done'])
  })

  it('5xx backs off from 1 s doubling to 5 min, and resets after a success', async () => {
    const server = new FakeServer()
    const now = 1_700_000_000_000
    const { store, engine } = setup(server, { now: () => now, random: () => 0.5 })
    await store.add(visit())
    server.mode = 'server_error'
    const delays: number[] = []
    for (let i = 0; i < 12; i += 1) {
      const s = await engine.sync({ reason: 'retry' })
      expect(s.state).toBe('error')
      delays.push((s.nextRetryAt ?? 0) - now)
    }
    expect(delays).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ])
    expect(await statuses(store)).toEqual(['pending'])

    server.mode = 'normal'
    const ok = await engine.sync({ reason: 'retry' })
    expect(ok.state).toBe('idle')
    expect(ok.nextRetryAt).toBeNull()
    server.mode = 'server_error'
    expect(((await engine.sync({ reason: 'retry' })).nextRetryAt ?? 0) - now).toBe(1_000)
  })

  it('jitters each delay by ±20 %', async () => {
    const server = new FakeServer()
    server.mode = 'server_error'
    const low = setup(server, { now: () => 0, random: () => 0 })
    const high = setup(server, { now: () => 0, random: () => 1 })
    expect((await low.engine.sync({ reason: 'retry' })).nextRetryAt).toBe(800)
    expect((await high.engine.sync({ reason: 'retry' })).nextRetryAt).toBe(1_200)
  })

  it('the retry timer runs the next attempt by itself once the engine is started', async () => {
    const server = new FakeServer()
    server.mode = 'network_down'
    const timers: Array<{ fn: () => void; ms: number }> = []
    const { store, engine } = setup(server, {
      random: () => 0.5,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
    })
    await store.add(visit())
    const seen: string[] = []
    engine.subscribe((s) => {
      if (seen[seen.length - 1] !== s.state) seen.push(s.state)
    })
    engine.start()
    await vi.waitFor(() => expect(engine.getStatus().state).toBe('offline'))
    expect(timers.map((t) => t.ms)).toEqual([1_000])

    server.mode = 'normal'
    timers[0].fn()
    await vi.waitFor(() => expect(engine.getStatus().state).toBe('idle'))
    expect(await statuses(store)).toEqual(['done'])
    expect(seen).toEqual(['idle', 'syncing', 'offline', 'syncing', 'idle'])
    engine.stop()
  })

  it('an answer that is not the API (captive portal) changes nothing and is retried', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server)
    await store.add(visit())
    server.mode = 'portal'
    const s = await engine.sync()
    expect(s.state).toBe('error')
    expect(s.nextRetryAt).not.toBeNull()
    expect(await statuses(store)).toEqual(['pending'])
  })

  it('429 honours Retry-After', async () => {
    const server = new FakeServer()
    const { store, engine } = setup(server, { now: () => 0, random: () => 0.5 })
    await store.add(visit())
    const fetch429: typeof fetch = async () =>
      json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '30' })
    const busy = new SyncEngine({
      store,
      api: clientFor(fetch429),
      getOwner: () => 'wang',
      appVersion: 't',
      locks: null,
      now: () => 0,
      random: () => 0.5,
    })
    expect((await busy.sync()).nextRetryAt).toBe(30_000)
    expect((await engine.sync()).state).toBe('idle')
  })
})

describe('SyncEngine: pull', () => {
  it('pages through changes, saving each page with its cursor; a failure resumes where it stopped', async () => {
    const server = new FakeServer()
    for (let i = 1; i <= 2_400; i += 1)
      server.addChange({ entity: 'resident', op: 'upsert', id: i, version: 1, data: { id: i } })
    server.failPullNumber = 2
    const { store, engine } = setup(server)

    expect((await engine.sync()).state).toBe('error')
    expect(await store.getEntities('resident')).toHaveLength(1000)
    expect(await store.getCursor('wang')).toBe('c1000')

    expect((await engine.sync()).state).toBe('idle')
    expect(server.requests.filter((r) => r.startsWith('GET'))).toEqual([
      'GET /api/v1/sync/pull?limit=1000',
      'GET /api/v1/sync/pull?cursor=c1000&limit=1000',
      'GET /api/v1/sync/pull?cursor=c1000&limit=1000',
      'GET /api/v1/sync/pull?cursor=c2000&limit=1000',
    ])
    expect(await store.getEntities('resident')).toHaveLength(2_400)
    expect(await store.getCursor('wang')).toBe('c2400')

    server.addChange({ entity: 'resident', op: 'delete', id: 5 })
    await engine.sync()
    expect(await store.getEntity('resident', 5)).toBeUndefined()
    expect(await store.getEntities('resident')).toHaveLength(2_399)
  })

  it('a bad_cursor answer drops the cursor and takes a full snapshot', async () => {
    const server = new FakeServer()
    server.addChange({ entity: 'household', op: 'upsert', id: 1, version: 1, data: { id: 1 } })
    const { store, engine } = setup(server)
    await store.applyChanges([{ entity: 'household', op: 'upsert', id: 99, data: { stale: true } }], {
      owner: 'wang',
      cursor: 'from-an-old-server',
      reset: true,
    })

    expect((await engine.sync()).state).toBe('idle')
    expect(server.requests).toEqual([
      'GET /api/v1/sync/pull?cursor=from-an-old-server&limit=1000',
      'GET /api/v1/sync/pull?limit=1000',
    ])
    expect(await store.getEntities('household')).toEqual([{ id: 1 }])
    expect(await store.getCursor('wang')).toBe('c1')
  })
})

describe('SyncEngine: one run at a time', () => {
  it('coalesces calls made during a run into one follow-up run', async () => {
    const server = new FakeServer()
    let release!: () => void
    server.gate = new Promise((r) => (release = r))
    const { store, engine } = setup(server)
    await store.add(visit())

    const first = engine.sync()
    await vi.waitFor(() => expect(server.inFlight).toBe(1))
    const more = [engine.sync(), engine.sync(), engine.sync()]
    await store.add(visit()) // queued while the first push is in flight
    release()
    await Promise.all([first, ...more])

    expect(server.maxInFlight).toBe(1)
    expect(server.pullCount).toBe(2) // the run, plus exactly one follow-up
    expect(server.pushBodies.map((b) => b.items.length)).toEqual([1, 1])
    expect(await statuses(store)).toEqual(['done', 'done'])
  })

  it('two tabs sharing the lock: only one syncs, items go once', async () => {
    const server = new FakeServer()
    let release!: () => void
    server.gate = new Promise((r) => (release = r))
    const locks = sharedLocks()
    const tabA = setup(server, { locks })
    const tabB = new SyncEngine({
      store: tabA.store,
      api: clientFor(server),
      getOwner: () => 'wang',
      appVersion: 't',
      locks,
    })
    await tabA.store.add(visit())
    await tabA.store.add(visit())

    const a = tabA.engine.sync()
    await vi.waitFor(() => expect(server.inFlight).toBe(1))
    const b = tabB.sync()
    await b
    release()
    await a

    expect(server.maxInFlight).toBe(1)
    expect(server.pushBodies).toHaveLength(1)
    expect(server.rows.size).toBe(2)
    expect(await statuses(tabA.store)).toEqual(['done', 'done'])
  })
})

describe('runSyncInWorker', () => {
  it('uses the session the page saved, and rejects when offline so the browser retries', async () => {
    const server = new FakeServer()
    const store = new OutboxStore({ dbName: `gridwalk-engine-test-${++dbCounter}` })
    await store.rememberSession('wang', server.csrf)
    await store.add(visit())

    server.mode = 'network_down'
    await expect(runSyncInWorker({ store, fetch: server.fetch, appVersion: 'sw', locks: null })).rejects.toThrow(
      /browser will retry/,
    )
    expect(await statuses(store)).toEqual(['pending'])

    server.mode = 'normal'
    const status = await runSyncInWorker({ store, fetch: server.fetch, appVersion: 'sw', locks: null })
    expect(status.state).toBe('idle')
    expect(await statuses(store)).toEqual(['done'])
    expect(server.pushBodies[0].app_version).toBe('sw')
  })

  it("does nothing without a saved session: no one else may push a worker's items", async () => {
    const server = new FakeServer()
    const store = new OutboxStore({ dbName: `gridwalk-engine-test-${++dbCounter}` })
    await store.add(visit())
    const status = await runSyncInWorker({ store, fetch: server.fetch, appVersion: 'sw', locks: null })
    expect(status.state).toBe('auth_required')
    expect(server.requests).toEqual([])
  })
})
