// The one way the app and its outbox talk to /api/v1: JSON or raw bytes, CSRF header, language, timeouts, typed errors.
import type { ErrorDetail, ErrorEnvelope, Unchecked } from './apiTypes'

export type { ApiSchema, ErrorDetail, ErrorEnvelope, Unchecked, WithRequired } from './apiTypes'

/** What an ApiError knows about the answer beyond its envelope. */
export interface ApiErrorAnswer {
  /** False when the body was not the app's error envelope (a proxy's page, a bare status): code and message are then only the status. */
  fromApp?: boolean
  /** The Retry-After header, as sent (seconds or an HTTP date). */
  retryAfter?: string | null
}

/** The server answered with an error envelope (or at least an error status). */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly fromApp: boolean
  readonly retryAfter: string | null
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: NonNullable<ErrorDetail['fields']> = {},
    /** Everything else the envelope carried (e.g. retry_after), for callers that need it. */
    readonly details: Record<string, unknown> = {},
    answer: ApiErrorAnswer = {},
  ) {
    super(message)
    this.fromApp = answer.fromApp ?? true
    this.retryAfter = answer.retryAfter ?? null
  }

  /** The server refused the CSRF token: the token the phone holds is not this session's. */
  get csrfRefused(): boolean {
    return this.fromApp && (this.status === 400 || this.status === 403) && /csrf/i.test(this.code)
  }

  /** An admin set this user's password: nothing but the password change answers until they pick their own. */
  get passwordChangeRequired(): boolean {
    return this.fromApp && this.status === 403 && this.code === 'password_change_required'
  }

  /** How long the server asked us to wait (Retry-After), or null when it did not say. */
  retryAfterMs(now = Date.now()): number | null {
    if (!this.retryAfter) return null
    const seconds = Number(this.retryAfter)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const at = Date.parse(this.retryAfter)
    return Number.isNaN(at) ? null : Math.max(0, at - now)
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
  /** The session's CSRF token, sent on unsafe methods (the service worker reads it from IndexedDB). */
  csrfToken?: () => string | null | Promise<string | null>
  /** The Accept-Language value, so server messages match the UI. */
  language?: () => string
  /** A 401 on a call that needs a session: the session has ended. */
  onUnauthorized?: (error: ApiError) => void
  /** A 403 password_change_required: show the change-password screen, then carry on. */
  onPasswordChangeRequired?: (error: ApiError) => void
  /** Any answer from the server, even an error: it is reachable. */
  onReachable?: () => void
  onNetworkError?: (error: NetworkError) => void
}

export interface RequestOptions {
  /** Sent as JSON; a Blob is sent as its raw bytes (a photo), typed by headers['Content-Type'] or its own type. */
  body?: unknown
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** A 401 is an expected answer here (login with a wrong password), not an ended session. */
  allowUnauthorized?: boolean
  /**
   * A refused CSRF token ends the session too (onUnauthorized). For callers with no person to
   * reload the page, like the outbox's background sync: only a new login gives a valid token.
   */
  csrfRefusalEndsSession?: boolean
  /** This call's own limit instead of the client's (a photo upload on a slow link). */
  timeoutMs?: number
  /** The answer is a file (an Excel export): resolve to a DownloadedFile, not parsed JSON. */
  download?: boolean
  signal?: AbortSignal
}

export interface ApiClientOptions {
  fetch: FetchLike
  base?: string
  /** A field connection can hang for minutes; give up and call it a network error. */
  timeoutMs?: number
  hooks?: ApiHooks
}

/** A file the server sent as an attachment, with the name it gave. */
export interface DownloadedFile {
  blob: Blob
  filename: string | null
}

/** The file name of a Content-Disposition header: the UTF-8 filename* (RFC 5987) first, else filename. */
export function attachmentName(header: string | null): string | null {
  if (!header) return null
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {
      // A malformed escape: fall back to the plain name below.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(header)
  return plain ? (plain[1] ?? plain[2]).trim() || null : null
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** A proxy answering for an app server that is down: as good as no answer for the banner. */
const GATEWAY_DOWN = new Set([502, 503, 504])

/** Turn an error response into an ApiError, whatever the body turned out to be. */
export async function parseErrorResponse(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // A proxy's HTML error page, an empty body or a dropped connection: fall through to the status alone.
  }
  const retryAfter = response.headers.get('Retry-After')
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
      { fromApp: typeof code === 'string', retryAfter },
    )
  }
  return new ApiError(
    response.status,
    `http_${response.status}`,
    response.statusText || `HTTP ${response.status}`,
    {},
    {},
    { fromApp: false, retryAfter },
  )
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

  /** Send a request and return the parsed JSON body (undefined for 204, a HEAD or an empty body). */
  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase()
    // A download still takes JSON: its errors come as the envelope.
    const accept = opts.download ? `${XLSX_TYPE}, application/json` : 'application/json'
    const headers: Record<string, string> = { Accept: accept, ...opts.headers }
    const language = hooks.language?.()
    if (language) headers['Accept-Language'] = language
    if (!SAFE_METHODS.has(verb)) {
      const token = await hooks.csrfToken?.()
      if (token) headers['X-CSRF-Token'] = token
    }
    let body: BodyInit | undefined
    if (opts.body instanceof Blob) {
      headers['Content-Type'] ??= opts.body.type || 'application/octet-stream'
      body = opts.body
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }

    const controller = new AbortController()
    // One timer for the status and the body: a connection that hangs mid-answer is as dead as one that never answers.
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? timeoutMs)
    const onCallerAbort = () => controller.abort()
    opts.signal?.addEventListener('abort', onCallerAbort)
    const unreachable = (cause: unknown, what: string): unknown => {
      if (opts.signal?.aborted) return cause // the caller cancelled: not a connectivity fact
      const error = new NetworkError(controller.signal.aborted ? 'request timed out' : what, cause)
      hooks.onNetworkError?.(error)
      return error
    }
    let response: Response
    let text = ''
    try {
      try {
        response = await options.fetch(buildUrl(path, opts.query), {
          method: verb,
          headers,
          body,
          credentials: 'same-origin',
          // The app keeps its own offline copies; the HTTP cache must never answer for the server
          // (a photo's HEAD is cacheable for a year, yet the server may have lost the photo).
          cache: 'no-store',
          signal: controller.signal,
        })
      } catch (cause) {
        throw unreachable(cause, 'network error')
      }
      if (GATEWAY_DOWN.has(response.status)) {
        hooks.onNetworkError?.(new NetworkError(`gateway answered ${response.status}`))
      } else {
        hooks.onReachable?.()
      }
      if (!response.ok) {
        const error = await parseErrorResponse(response)
        const ended =
          (error.status === 401 && !opts.allowUnauthorized) || (opts.csrfRefusalEndsSession && error.csrfRefused)
        if (ended) hooks.onUnauthorized?.(error)
        else if (error.passwordChangeRequired) hooks.onPasswordChangeRequired?.(error)
        throw error
      }
      if (opts.download) {
        try {
          const file: DownloadedFile = {
            blob: await response.blob(),
            filename: attachmentName(response.headers.get('Content-Disposition')),
          }
          return file as T
        } catch (cause) {
          throw unreachable(cause, 'connection lost reading the answer')
        }
      }
      if (response.status !== 204 && verb !== 'HEAD') {
        try {
          text = await response.text()
        } catch (cause) {
          // The status came, the body did not: whether the server acted is unknown, as with no answer.
          throw unreachable(cause, 'connection lost reading the answer')
        }
      }
    } finally {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onCallerAbort)
    }
    if (!text) return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      // A captive portal's login page or a misrouted proxy answers 200 with HTML: not the app.
      throw new ApiError(response.status, 'bad_response', 'the answer is not JSON', {}, {}, { fromApp: false })
    }
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    /** GET a file (an export); errors are ApiErrors as for any call. */
    download: (path: string, opts?: RequestOptions) =>
      request<DownloadedFile>('GET', path, { ...opts, download: true }),
    /** Undefined when the server has it; an ApiError (404) when it does not. */
    head: (path: string, opts?: RequestOptions) => request<void>('HEAD', path, opts),
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
