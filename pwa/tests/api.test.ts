// The API client against a stand-in fetch: headers, error envelopes, network failures, 401.
import { describe, expect, it } from 'vitest'
import { ApiError, attachmentName, createApiClient, NetworkError, type FetchLike } from '../src/api'

interface Call {
  url: string
  init: RequestInit
}

/** A fetch that records each call and answers with the given responses in turn. */
function scriptedFetch(...answers: (() => Response | Promise<Response>)[]) {
  const calls: Call[] = []
  const fetch: FetchLike = async (url, init = {}) => {
    calls.push({ url, init })
    const next = answers.shift()
    if (!next) throw new Error('unexpected request ' + url)
    return next()
  }
  return { fetch, calls }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

function headersOf(call: Call): Record<string, string> {
  return call.init.headers as Record<string, string>
}

describe('api client', () => {
  it('sends JSON with the CSRF token on unsafe methods only, and the language', async () => {
    const { fetch, calls } = scriptedFetch(
      () => json(200, { ok: 1 }),
      () => json(201, { id: 7 }),
    )
    const api = createApiClient({
      fetch,
      hooks: { csrfToken: () => 'tok-123', language: () => 'en' },
    })

    expect(await api.get('/org', { query: { a: 1, skip: undefined } })).toEqual({ ok: 1 })
    expect(await api.post('/users', { username: 'wang' })).toEqual({ id: 7 })

    expect(calls[0].url).toBe('/api/v1/org?a=1')
    expect(calls[0].init.method).toBe('GET')
    expect(calls[0].init.credentials).toBe('same-origin')
    // The browser's HTTP cache never answers for the server.
    expect(calls[0].init.cache).toBe('no-store')
    expect(headersOf(calls[0])['X-CSRF-Token']).toBeUndefined()
    expect(headersOf(calls[0])['Accept-Language']).toBe('en')

    expect(calls[1].init.method).toBe('POST')
    expect(headersOf(calls[1])['X-CSRF-Token']).toBe('tok-123')
    expect(headersOf(calls[1])['Content-Type']).toBe('application/json')
    expect(JSON.parse(calls[1].init.body as string)).toEqual({ username: 'wang' })
  })

  it('parses the error envelope into an ApiError with fields and extras', async () => {
    const { fetch } = scriptedFetch(() =>
      json(422, {
        error: {
          code: 'validation_failed',
          message: '提交的内容有误，请检查标出的项目',
          fields: { phone: ['手机号格式不正确'] },
          retry_after: 30,
        },
      }),
    )
    const api = createApiClient({ fetch })
    const error = await api.post('/users', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const apiError = error as ApiError
    expect(apiError.status).toBe(422)
    expect(apiError.code).toBe('validation_failed')
    expect(apiError.message).toBe('提交的内容有误，请检查标出的项目')
    expect(apiError.fields).toEqual({ phone: ['手机号格式不正确'] })
    expect(apiError.details).toEqual({ retry_after: 30 })
  })

  it('turns a non-JSON error page into an ApiError from the status', async () => {
    const { fetch } = scriptedFetch(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    )
    const api = createApiClient({ fetch })
    const error = (await api.get('/health').catch((e: unknown) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(502)
    expect(error.code).toBe('http_502')
    expect(error.message).toBe('Bad Gateway')
    expect(error.fields).toEqual({})
    expect(error.fromApp).toBe(false)
  })

  it('reports a failed fetch as a NetworkError and a later answer as reachable', async () => {
    const seen: string[] = []
    const { fetch } = scriptedFetch(
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => json(200, { status: 'ok' }),
    )
    const api = createApiClient({
      fetch,
      hooks: {
        onNetworkError: () => seen.push('network'),
        onReachable: () => seen.push('reachable'),
      },
    })
    const error = await api.get('/health').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).not.toBeInstanceOf(ApiError)
    await api.get('/health')
    expect(seen).toEqual(['network', 'reachable'])
  })

  it('counts a gateway error (app server down behind the proxy) as unreachable', async () => {
    const seen: string[] = []
    const { fetch } = scriptedFetch(() => new Response('Bad Gateway', { status: 502 }))
    const api = createApiClient({
      fetch,
      hooks: {
        onNetworkError: () => seen.push('network'),
        onReachable: () => seen.push('reachable'),
      },
    })
    await expect(api.get('/health')).rejects.toMatchObject({ status: 502 })
    expect(seen).toEqual(['network'])
  })

  it('gives up on a hanging request after the timeout', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const api = createApiClient({ fetch, timeoutMs: 20 })
    const error = (await api.get('/health').catch((e: unknown) => e)) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe('request timed out')
  })

  it('calls onUnauthorized on a 401, except where a 401 is an expected answer', async () => {
    const expired: number[] = []
    const unauthorized = () => json(401, { error: { code: 'unauthorized', message: '请先登录' } })
    const { fetch } = scriptedFetch(unauthorized, unauthorized)
    const api = createApiClient({ fetch, hooks: { onUnauthorized: (e) => expired.push(e.status) } })

    await expect(api.get('/auth/me')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(expired).toEqual([401])

    // A wrong password at login is not an ended session.
    await expect(
      api.post('/auth/login', { username: 'x', password: 'y' }, { allowUnauthorized: true }),
    ).rejects.toBeInstanceOf(ApiError)
    expect(expired).toEqual([401])
  })

  it('a 403 password_change_required asks for the change screen, not a new login', async () => {
    const changes: string[] = []
    const expired: number[] = []
    const { fetch } = scriptedFetch(
      () => json(403, { error: { code: 'password_change_required', message: '请先修改密码' } }),
      () => json(403, { error: { code: 'forbidden', message: '没有权限' } }),
    )
    const api = createApiClient({
      fetch,
      hooks: {
        onPasswordChangeRequired: (e) => changes.push(e.message),
        onUnauthorized: (e) => expired.push(e.status),
      },
    })
    const error = (await api.get('/org').catch((e: unknown) => e)) as ApiError
    expect(error.passwordChangeRequired).toBe(true)
    expect(changes).toEqual(['请先修改密码'])
    // Another 403 is only that screen's refusal.
    const other = (await api.get('/org').catch((e: unknown) => e)) as ApiError
    expect(other.passwordChangeRequired).toBe(false)
    expect(changes).toEqual(['请先修改密码'])
    expect(expired).toEqual([])
  })

  it('returns undefined for 204 No Content', async () => {
    const { fetch } = scriptedFetch(() => new Response(null, { status: 204 }))
    const api = createApiClient({ fetch })
    expect(await api.delete('/push/subscriptions')).toBeUndefined()
  })

  it('uploads a Blob as raw bytes with its image type and the CSRF token', async () => {
    const { fetch, calls } = scriptedFetch(() => json(201, { sha256: 'abc' }))
    const api = createApiClient({ fetch, hooks: { csrfToken: () => 'tok-1' } })
    const photo = new Blob(['\xff\xd8 jpeg bytes'], { type: 'image/jpeg' })

    expect(await api.put('/photos/abc', photo)).toEqual({ sha256: 'abc' })

    expect(calls[0].init.method).toBe('PUT')
    expect(calls[0].init.body).toBe(photo)
    expect(headersOf(calls[0])['Content-Type']).toBe('image/jpeg')
    expect(headersOf(calls[0])['X-CSRF-Token']).toBe('tok-1')
  })

  it("lets the caller name a Blob's type when the Blob has none", async () => {
    const { fetch, calls } = scriptedFetch(() => new Response(null, { status: 201 }))
    const api = createApiClient({ fetch })
    await api.put('/photos/abc', new Blob(['bytes']), { headers: { 'Content-Type': 'image/jpeg' } })
    expect(headersOf(calls[0])['Content-Type']).toBe('image/jpeg')
  })

  it('waits for a CSRF token read from storage (the service worker has no store in memory)', async () => {
    const { fetch, calls } = scriptedFetch(() => json(200, { results: [] }))
    const api = createApiClient({ fetch, hooks: { csrfToken: async () => 'from-indexeddb' } })
    await api.post('/sync/push', { items: [] })
    expect(headersOf(calls[0])['X-CSRF-Token']).toBe('from-indexeddb')
  })

  it('answers a HEAD with undefined when the server has it, and a 404 ApiError when not', async () => {
    const expired: number[] = []
    const { fetch, calls } = scriptedFetch(
      () => new Response(null, { status: 200, headers: { 'Content-Type': 'image/jpeg' } }),
      () => new Response(null, { status: 404 }),
    )
    const api = createApiClient({ fetch, hooks: { onUnauthorized: (e) => expired.push(e.status) } })

    expect(await api.head('/photos/abc')).toBeUndefined()
    await expect(api.head('/photos/def')).rejects.toMatchObject({ status: 404, code: 'http_404' })
    expect(calls.map((c) => c.init.method)).toEqual(['HEAD', 'HEAD'])
    expect(expired).toEqual([])
  })

  it("a 200 that is not JSON (a captive portal's page) is an ApiError, not a crash", async () => {
    const { fetch } = scriptedFetch(
      () => new Response('<html>请登录 WiFi</html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
    )
    const api = createApiClient({ fetch })
    const error = (await api.get('/sync/pull').catch((e: unknown) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(200)
    expect(error.code).toBe('bad_response')
    expect(error.fromApp).toBe(false)
  })

  it('an answer whose body breaks off is a NetworkError: the server may or may not have acted', async () => {
    const seen: string[] = []
    const { fetch } = scriptedFetch(() => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"results": ['))
          controller.error(new TypeError('terminated'))
        },
      })
      return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } })
    })
    const api = createApiClient({ fetch, hooks: { onNetworkError: () => seen.push('network') } })
    const error = (await api.post('/sync/push', {}).catch((e: unknown) => e)) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe('connection lost reading the answer')
    expect(seen).toEqual(['network'])
  })

  it('the timeout also covers a body that stops arriving', async () => {
    const fetch: FetchLike = async (_url, init) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"changes": ['))
          // As a browser does: aborting the request errors the body being read.
          init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
        },
      })
      return new Response(body, { status: 200 })
    }
    const api = createApiClient({ fetch, timeoutMs: 20 })
    const error = (await api.get('/sync/pull').catch((e: unknown) => e)) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toBe('request timed out')
  })

  it("a call's own timeout replaces the client's, longer or shorter", async () => {
    const slowAnswer: FetchLike = (_url, init) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(json(201, { ok: true })), 60)
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(new DOMException('aborted', 'AbortError'))
        })
      })
    const impatient = createApiClient({ fetch: slowAnswer, timeoutMs: 20 })
    await expect(impatient.put('/photos/abc', new Blob(['x']))).rejects.toBeInstanceOf(NetworkError)
    // A photo on a slow link gets more time than a screen's request.
    expect(await impatient.put('/photos/abc', new Blob(['x']), { timeoutMs: 2_000 })).toEqual({ ok: true })

    const patient = createApiClient({ fetch: slowAnswer, timeoutMs: 2_000 })
    await expect(patient.get('/health', { timeoutMs: 20 })).rejects.toMatchObject({ message: 'request timed out' })
  })

  it('reads Retry-After in seconds or as a date', async () => {
    const { fetch } = scriptedFetch(
      () => json(429, { error: { code: 'rate_limited', message: '请稍后再试' } }, { 'Retry-After': '30' }),
      () => new Response('busy', { status: 503, headers: { 'Retry-After': 'Wed, 21 Oct 2025 07:28:30 GMT' } }),
      () => json(500, { error: { code: 'internal', message: 'boom' } }),
    )
    const api = createApiClient({ fetch })
    const limited = (await api.post('/sync/push', {}).catch((e: unknown) => e)) as ApiError
    expect(limited.retryAfterMs()).toBe(30_000)
    const down = (await api.get('/sync/pull').catch((e: unknown) => e)) as ApiError
    expect(down.retryAfterMs(Date.parse('2025-10-21T07:28:00Z'))).toBe(30_000)
    const broken = (await api.get('/sync/pull').catch((e: unknown) => e)) as ApiError
    expect(broken.retryAfterMs()).toBeNull()
  })

  it('a refused CSRF token ends the session only for callers that ask for it', async () => {
    const expired: string[] = []
    const refused = () => json(403, { error: { code: 'csrf_failed', message: '安全校验失败，请刷新后重试' } })
    const { fetch } = scriptedFetch(refused, refused, () => new Response('<html>Forbidden</html>', { status: 403 }))
    const api = createApiClient({ fetch, hooks: { onUnauthorized: (e) => expired.push(e.code) } })

    // A screen shows the message; a person can reload.
    const onScreen = (await api.post('/cases/1/actions', {}).catch((e: unknown) => e)) as ApiError
    expect(onScreen.csrfRefused).toBe(true)
    expect(expired).toEqual([])

    // The outbox syncs with no one watching: only a new login helps.
    await expect(api.post('/sync/push', {}, { csrfRefusalEndsSession: true })).rejects.toMatchObject({
      code: 'csrf_failed',
    })
    expect(expired).toEqual(['csrf_failed'])

    // A proxy's 403 page is not the app refusing the token.
    const proxy = (await api
      .post('/sync/push', {}, { csrfRefusalEndsSession: true })
      .catch((e: unknown) => e)) as ApiError
    expect(proxy.csrfRefused).toBe(false)
    expect(expired).toEqual(['csrf_failed'])
  })
})

describe('downloads', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

  it('answers the file and the UTF-8 name the server gave', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4])
    const disposition = `attachment; filename="gridwalk-cases-20261130.xlsx"; filename*=UTF-8''${encodeURIComponent('案件台账-20261130.xlsx')}`
    const { fetch, calls } = scriptedFetch(
      () => new Response(bytes, { status: 200, headers: { 'Content-Type': XLSX, 'Content-Disposition': disposition } }),
    )
    const api = createApiClient({ fetch })
    const file = await api.download('/cases/export.xlsx', { query: { state: 'filed', grid_id: 3 } })
    expect(calls[0].url).toBe('/api/v1/cases/export.xlsx?state=filed&grid_id=3')
    expect(headersOf(calls[0]).Accept).toContain(XLSX)
    expect(file.filename).toBe('案件台账-20261130.xlsx')
    expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(bytes)
  })

  it('turns an error envelope into an ApiError, not a file', async () => {
    const { fetch } = scriptedFetch(() =>
      json(422, { error: { code: 'validation_failed', message: '月份格式不正确', fields: { month: ['x'] } } }),
    )
    const api = createApiClient({ fetch })
    const failure = await api.download('/reports/kpis.xlsx', { query: { month: '2026-13' } }).catch((e) => e)
    expect(failure).toBeInstanceOf(ApiError)
    expect((failure as ApiError).status).toBe(422)
    expect((failure as ApiError).fields).toHaveProperty('month')
  })

  it('reads the plain name when there is no UTF-8 one, and nothing from nothing', () => {
    expect(attachmentName('attachment; filename="tasks.xlsx"')).toBe('tasks.xlsx')
    expect(attachmentName('attachment; filename="a.xlsx"; filename*=UTF-8\'\'%E4%BB%BB%E5%8A%A1.xlsx')).toBe(
      '任务.xlsx',
    )
    expect(attachmentName('attachment; filename="a.xlsx"; filename*=UTF-8\'\'%E4%ZZ')).toBe('a.xlsx')
    expect(attachmentName(null)).toBeNull()
  })
})
