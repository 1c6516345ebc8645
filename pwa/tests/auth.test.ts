// The auth store through the real API client, with the browser's fetch and storage stood in.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { api, NetworkError } from '../src/api'
import { useAuthStore, type User } from '../src/stores/auth'

/** localStorage as the browser has it, in memory. */
class MemoryStorage {
  private items = new Map<string, string>()
  get length() {
    return this.items.size
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null
  }
  getItem(key: string) {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value))
  }
  removeItem(key: string) {
    this.items.delete(key)
  }
  clear() {
    this.items.clear()
  }
}

const storage = new MemoryStorage()
Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true })

type Answer = () => Response | Promise<Response>
const answers: Answer[] = []
const requests: { url: string; init: RequestInit }[] = []
globalThis.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
  requests.push({ url: String(input), init })
  const next = answers.shift()
  if (!next) throw new Error(`unexpected request ${String(input)}`)
  return next()
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function makeUser(id: number, username: string): User {
  return {
    id,
    username,
    display_name: '王芳',
    phone: '13812345678',
    role: 'worker',
    active: true,
    community: { id: 1, name: '蓼洲街社区' },
    department: null,
    grids: [{ id: 1, code: '360103-001-001-001', name: '第一网格', community_id: 1 }],
    street_wide: false,
  }
}

const offline: Answer = () => Promise.reject(new TypeError('Failed to fetch'))

describe('auth store', () => {
  beforeEach(() => {
    storage.clear()
    answers.length = 0
    requests.length = 0
    setActivePinia(createPinia())
    // As main.ts wires it.
    const auth = useAuthStore()
    api.configure({ csrfToken: () => useAuthStore().csrfToken, onUnauthorized: () => useAuthStore().markExpired() })
    expect(auth.user).toBeNull()
  })

  it('logs in, persists the user and token, and sends the token on unsafe calls', async () => {
    answers.push(() => json(200, { user: makeUser(1, 'wangfang'), csrf_token: 'csrf-1' }))
    const auth = useAuthStore()
    await auth.login('wangfang', 'secret', true)
    expect(JSON.parse(requests[0].init.body as string)).toEqual({
      username: 'wangfang',
      password: 'secret',
      remember: true,
    })
    expect(auth.isLoggedIn).toBe(true)
    expect(JSON.parse(storage.getItem('gw.user')!).username).toBe('wangfang')

    answers.push(() => json(200, {}))
    await api.post('/anything', {})
    expect((requests[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1')
  })

  it('cold-starts offline with the cached user', async () => {
    storage.setItem('gw.user', JSON.stringify(makeUser(1, 'wangfang')))
    storage.setItem('gw.csrf', JSON.stringify('csrf-1'))
    setActivePinia(createPinia())
    const auth = useAuthStore()
    expect(auth.isLoggedIn).toBe(true)
    answers.push(offline)
    await auth.refresh()
    expect(auth.user?.username).toBe('wangfang')
    expect(auth.isLoggedIn).toBe(true)
  })

  it('keeps the cached user for display after a 401, but not as logged in', async () => {
    storage.setItem('gw.user', JSON.stringify(makeUser(1, 'wangfang')))
    setActivePinia(createPinia())
    const auth = useAuthStore()
    answers.push(() => json(401, { error: { code: 'unauthorized', message: '请先登录' } }))
    await auth.refresh()
    expect(auth.sessionExpired).toBe(true)
    expect(auth.isLoggedIn).toBe(false)
    expect(auth.user?.username).toBe('wangfang')
  })

  it('drops the previous user cached screens when someone else logs in', async () => {
    storage.setItem('gw.user', JSON.stringify(makeUser(1, 'wangfang')))
    storage.setItem('gw.cache.1./org', '{}')
    setActivePinia(createPinia())
    answers.push(() => json(200, { user: makeUser(2, 'lina'), csrf_token: 'csrf-2' }))
    await useAuthStore().login('lina', 'secret', false)
    expect(storage.getItem('gw.cache.1./org')).toBeNull()
    expect(JSON.parse(storage.getItem('gw.user')!).username).toBe('lina')
  })

  it('a forced password change: the flag from login, the change adopts the new token and clears it', async () => {
    answers.push(() =>
      json(200, { user: { ...makeUser(1, 'lina'), must_change_password: true }, csrf_token: 'csrf-1' }),
    )
    const auth = useAuthStore()
    await auth.login('lina', 'first-day-at-work', true)
    expect(auth.mustChangePassword).toBe(true)

    answers.push(() =>
      json(200, { user: { ...makeUser(1, 'lina'), must_change_password: false }, csrf_token: 'csrf-2' }),
    )
    await auth.changePassword('first-day-at-work', 'blue-kettle-on-a-hill')
    expect(JSON.parse(requests[1].init.body as string)).toEqual({
      current_password: 'first-day-at-work',
      new_password: 'blue-kettle-on-a-hill',
    })
    expect((requests[1].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1')
    expect(auth.mustChangePassword).toBe(false)
    expect(auth.csrfToken).toBe('csrf-2')
    expect(JSON.parse(storage.getItem('gw.csrf')!)).toBe('csrf-2')
  })

  it('a refused change keeps the session and the flag', async () => {
    answers.push(() =>
      json(200, { user: { ...makeUser(1, 'lina'), must_change_password: true }, csrf_token: 'csrf-1' }),
    )
    const auth = useAuthStore()
    await auth.login('lina', 'first-day-at-work', true)
    answers.push(() =>
      json(422, {
        error: {
          code: 'validation_failed',
          message: '提交的内容有误，请检查标出的项目',
          fields: { new_password: ['这个密码太常见，容易被猜到，请换一个'] },
        },
      }),
    )
    await expect(auth.changePassword('first-day-at-work', 'password123')).rejects.toMatchObject({
      status: 422,
      fields: { new_password: ['这个密码太常见，容易被猜到，请换一个'] },
    })
    expect(auth.isLoggedIn).toBe(true)
    expect(auth.mustChangePassword).toBe(true)
    expect(auth.csrfToken).toBe('csrf-1')
  })

  it('an answer that says the password must change first sets the flag, kept across a restart', () => {
    storage.setItem('gw.user', JSON.stringify(makeUser(1, 'wangfang')))
    setActivePinia(createPinia())
    useAuthStore().requirePasswordChange()
    setActivePinia(createPinia())
    expect(useAuthStore().mustChangePassword).toBe(true)
  })

  it('refuses to log out offline and logs out online', async () => {
    answers.push(() => json(200, { user: makeUser(1, 'wangfang'), csrf_token: 'csrf-1' }))
    const auth = useAuthStore()
    await auth.login('wangfang', 'secret', true)

    answers.push(offline)
    await expect(auth.logout()).rejects.toBeInstanceOf(NetworkError)
    expect(auth.user).not.toBeNull()

    answers.push(() => new Response(null, { status: 204 }))
    await auth.logout()
    expect(auth.user).toBeNull()
    expect(storage.getItem('gw.user')).toBeNull()
    expect(storage.getItem('gw.csrf')).toBeNull()
  })
})
