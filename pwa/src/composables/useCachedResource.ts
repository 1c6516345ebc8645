// A GET whose last answer is kept per user, so a screen has something to show offline.
import { ref, shallowRef } from 'vue'
import { api, ApiError, NetworkError } from '../api'
import { t } from '../i18n'
import { readJson, writeJson } from '../storage'
import { SCREEN_CACHE_PREFIX } from '../stores/auth'

interface Cached<T> {
  data: T
  savedAt: string
}

export function useCachedResource<T>(path: string, userId: number) {
  const key = `${SCREEN_CACHE_PREFIX}${userId}.${path}`
  const cached = readJson<Cached<T>>(key)
  const data = shallowRef<T | null>(cached?.data ?? null)
  /** When the shown data came from the cache because the server could not be reached. */
  const staleSince = ref<string | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const fresh = await api.get<T>(path)
      data.value = fresh
      staleSince.value = null
      writeJson(key, { data: fresh, savedAt: new Date().toISOString() } satisfies Cached<T>)
    } catch (cause) {
      if (cause instanceof NetworkError && data.value !== null) {
        staleSince.value = readJson<Cached<T>>(key)?.savedAt ?? null
      } else if (cause instanceof NetworkError) {
        error.value = t('error.network')
      } else if (cause instanceof ApiError) {
        error.value = cause.message
      } else {
        throw cause
      }
    } finally {
      loading.value = false
    }
  }

  void load()
  return { data, staleSince, error, loading, reload: load }
}
