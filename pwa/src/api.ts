// The one way the app talks to /api/v1: JSON, CSRF header, language, typed errors.
import type { ErrorDetail, ErrorEnvelope, Unchecked } from './apiTypes'

export type { ApiSchema, ErrorDetail, ErrorEnvelope, Unchecked, WithRequired } from './apiTypes'

/** The server answered with an error envelope (or at least an error status). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: NonNullable<ErrorDetail['fields']> = {},
    /** Everything else the envelope carried (e.g. retry_after), for callers that need it. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** No answer at all: offline, DNS, server down, timeout. The caller should keep data and retry. */
export class NetworkError extends Error {
  override name = 'NetworkError'
  constructor(
    message = 'network error',
    override readonly cause?: unknown,
  ) {
    super(message)
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

export interface ApiHooks {
  /** The session's CSRF token, sent on unsafe methods. */
  csrfToken?: () => string | null
  /** The Accept-Language value, so server messages match the UI. */
  language?: () => string
  /** A 401 on a call that needs a session: the session has ended. */
  onUnauthorized?: (error: ApiError) => void
  /** Any answer from the server, even an error: it is reachable. */
  onReachable?: () => void
  onNetworkError?: (error: NetworkError) => void
}

export interface RequestOptions {
  body?: unknown
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** A 401 is an expected answer here (login with a wrong password), not an ended session. */
  allowUnauthorized?: boolean
  signal?: AbortSignal
}

export interface ApiClientOptions {
  fetch: FetchLike
  base?: string
  /** A field connection can hang for minutes; give up and call it a network error. */
  timeoutMs?: number
  hooks?: ApiHooks
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** A proxy answering for an app server that is down: as good as no answer for the banner. */
const GATEWAY_DOWN = new Set([502, 503, 504])

/** Turn an error response into an ApiError, whatever the body turned out to be. */
export async function parseErrorResponse(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // A proxy's HTML error page or an empty body: fall through to the status alone.
  }
  const envelope = body && typeof body === 'object' && 'error' in body ? (body as ErrorEnvelope).error : null
  if (envelope && typeof envelope === 'object') {
    // Checked one by one below: the body came off the wire, whatever the spec promises.
    const { code, message, fields, ...details } = envelope as Unchecked<ErrorDetail> & Record<string, unknown>
    return new ApiError(
      response.status,
      typeof code === 'string' ? code : `http_${response.status}`,
      typeof message === 'string' ? message : response.statusText || `HTTP ${response.status}`,
      fields && typeof fields === 'object' ? (fields as NonNullable<ErrorDetail['fields']>) : {},
      details,
    )
  }
  return new ApiError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`)
}

export function createApiClient(options: ApiClientOptions) {
  const base = options.base ?? '/api/v1'
  const timeoutMs = options.timeoutMs ?? 20_000
  const hooks: ApiHooks = { ...options.hooks }

  function buildUrl(path: string, query?: RequestOptions['query']): string {
    let url = base + path
    if (query) {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) params.set(key, String(value))
      }
      const text = params.toString()
      if (text) url += (url.includes('?') ? '&' : '?') + text
    }
    return url
  }

  async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
    const language = hooks.language?.()
    if (language) headers['Accept-Language'] = language
    if (!SAFE_METHODS.has(method)) {
      const token = hooks.csrfToken?.()
      if (token) headers['X-CSRF-Token'] = token
    }
    let body: BodyInit | undefined
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }

    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    const onCallerAbort = () => controller.abort()
    opts.signal?.addEventListener('abort', onCallerAbort)
    try {
      return await options.fetch(buildUrl(path, opts.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: controller.signal,
      })
    } catch (cause) {
      if (opts.signal?.aborted) throw cause // the caller cancelled: not a connectivity fact
      const error = new NetworkError(controller.signal.aborted ? 'request timed out' : 'network error', cause)
      hooks.onNetworkError?.(error)
      throw error
    } finally {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onCallerAbort)
    }
  }

  /** Send a request and return the parsed JSON body (undefined for 204). */
  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const response = await send(method.toUpperCase(), path, opts)
    if (GATEWAY_DOWN.has(response.status)) {
      hooks.onNetworkError?.(new NetworkError(`gateway answered ${response.status}`))
    } else {
      hooks.onReachable?.()
    }
    if (!response.ok) {
      const error = await parseErrorResponse(response)
      if (error.status === 401 && !opts.allowUnauthorized) hooks.onUnauthorized?.(error)
      throw error
    }
    if (response.status === 204) return undefined as T
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    /** Wire the client to the stores once they exist (main.ts); avoids an import cycle. */
    configure(next: ApiHooks): void {
      Object.assign(hooks, next)
    },
  }
}

export type ApiClient = ReturnType<typeof createApiClient>

/** The app's client; the fetch is looked up per call so a test or polyfill can replace it. */
export const api = createApiClient({ fetch: (input, init) => globalThis.fetch(input, init) })
