// The API client against a stand-in fetch: headers, error envelopes, network failures, 401.
import { describe, expect, it } from 'vitest'
import { ApiError, createApiClient, NetworkError, type FetchLike } from '../src/api'

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

  it('returns undefined for 204 No Content', async () => {
    const { fetch } = scriptedFetch(() => new Response(null, { status: 204 }))
    const api = createApiClient({ fetch })
    expect(await api.delete('/push/subscriptions')).toBeUndefined()
  })
})
