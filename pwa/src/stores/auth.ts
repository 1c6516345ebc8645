// Who is logged in: the user and CSRF token, persisted so a cold start offline still knows.
import { defineStore } from 'pinia'
import { api, ApiError } from '../api'
import { t } from '../i18n'
import { readJson, removeKey, removePrefix, writeJson } from '../storage'
import { persistAtLogin } from '../persistence'
import { sessionEnded, sessionStarted, unsyncedCount } from '../sync'

export type Role = 'worker' | 'supervisor' | 'handler' | 'admin'

export interface NamedRef {
  id: number
  name: string
}

export interface GridRef {
  id: number
  code: string
  name: string
  community_id: number
}

/** The user as GET /api/v1/auth/me and POST /api/v1/auth/login return it. */
export interface User {
  id: number
  username: string
  display_name: string
  phone: string | null
  role: Role
  active: boolean
  community: NamedRef | null
  department: NamedRef | null
  grids: GridRef[]
  street_wide: boolean
  /** An admin set the password (new account, reset): the server answers nothing else until it is changed. */
  must_change_password?: boolean
}

export interface SessionAnswer {
  user: User
  csrf_token: string
}

const USER_KEY = 'gw.user'
const CSRF_KEY = 'gw.csrf'
/** Per-user cached screens (see useCachedResource); dropped when the user changes. */
export const SCREEN_CACHE_PREFIX = 'gw.cache.'

export const useAuthStore = defineStore('auth', {
  state: () => ({
    user: readJson<User>(USER_KEY),
    csrfToken: readJson<string>(CSRF_KEY),
    /** The server said 401: the cached user stays for display until someone logs in again. */
    sessionExpired: false,
  }),

  getters: {
    isLoggedIn: (state) => state.user !== null && !state.sessionExpired,
    mustChangePassword: (state) => state.user?.must_change_password === true,
  },

  actions: {
    adopt(answer: SessionAnswer): void {
      if (this.user && this.user.id !== answer.user.id) removePrefix(SCREEN_CACHE_PREFIX)
      // The outbox hears of a new session, not of every background /auth/me that confirms the old one.
      const changed =
        this.sessionExpired || this.user?.username !== answer.user.username || this.csrfToken !== answer.csrf_token
      this.user = answer.user
      this.csrfToken = answer.csrf_token
      this.sessionExpired = false
      writeJson(USER_KEY, answer.user)
      writeJson(CSRF_KEY, answer.csrf_token)
      if (changed) sessionStarted(answer.user.username, answer.csrf_token)
    },

    async login(username: string, password: string, remember: boolean): Promise<User> {
      // A 401 here is a wrong password, not an ended session: the caller shows it.
      const answer = await api.post<SessionAnswer>(
        '/auth/login',
        { username, password, remember },
        { allowUnauthorized: true },
      )
      this.adopt(answer)
      // Ask that the browser never evicts the outbox; a refusal is explained to field workers.
      void persistAtLogin(answer.user.role === 'worker')
      return answer.user
    },

    /** Check the session in the background; offline keeps the cached user. */
    async refresh(): Promise<void> {
      try {
        this.adopt(await api.get<SessionAnswer>('/auth/me'))
      } catch {
        // A 401 went through the api hook (markExpired, then login); a network error means
        // offline: keep the cached user.
      }
    },

    /** Replace the own password; the answer carries the session's new CSRF token (other devices are logged out). */
    async changePassword(currentPassword: string, newPassword: string): Promise<User> {
      const answer = await api.post<SessionAnswer>('/auth/password', {
        current_password: currentPassword,
        new_password: newPassword,
      })
      this.adopt(answer)
      return answer.user
    },

    /** The server answered 403 password_change_required: remember it, so the router shows the change screen. */
    requirePasswordChange(): void {
      if (!this.user || this.user.must_change_password) return
      this.user = { ...this.user, must_change_password: true }
      writeJson(USER_KEY, this.user)
    },

    markExpired(): void {
      if (this.user) this.sessionExpired = true
    },

    /**
     * Ask before logging out. With unsynced records the question says so: they stay on the
     * phone for this worker and sync after the next login, but the worker should know.
     */
    async confirmLogout(): Promise<boolean> {
      const owner = this.user?.username
      let waiting = 0
      try {
        waiting = owner ? await unsyncedCount(owner) : 0
      } catch {
        // Storage unreadable: fall back to the plain question rather than block logout.
      }
      const { confirm } = await import('../feedback')
      if (waiting > 0) {
        return confirm({
          title: t('me.logoutUnsyncedTitle'),
          message: t('me.logoutUnsynced', { n: waiting }),
          confirmText: t('me.logout'),
          cancelText: t('common.cancel'),
        })
      }
      return confirm({ message: t('me.logoutConfirm') })
    },

    /** End the session on the server first: offline, the cookie would outlive a local logout. */
    async logout(): Promise<void> {
      // A shared phone must not keep receiving the previous worker's tasks; best effort, and
      // loaded only here so the push code stays out of the first screen.
      await import('../push').then((push) => push.usePush().disable()).catch(() => undefined)
      try {
        await api.post('/auth/logout', undefined, { allowUnauthorized: true })
      } catch (error) {
        // Already logged out on the server: finish locally. Anything else (offline) propagates.
        if (!(error instanceof ApiError) || error.status !== 401) throw error
      }
      this.user = null
      this.csrfToken = null
      this.sessionExpired = false
      removeKey(USER_KEY)
      removeKey(CSRF_KEY)
      removePrefix(SCREEN_CACHE_PREFIX)
      sessionEnded()
    },
  },
})
