// Whether the server can be reached: the browser's hint plus what our own requests saw.
import { defineStore } from 'pinia'
import type { ApiClient } from '../api'

/** Poll often while offline to notice the network's return, rarely while online. */
const POLL_OFFLINE_MS = 15_000
const POLL_ONLINE_MS = 60_000

export const useNetworkStore = defineStore('network', {
  state: () => ({
    browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
    /** The last request (or health check) got no answer at all. */
    serverUnreachable: false,
  }),

  getters: {
    // navigator.onLine is only a hint: true on a captive Wi-Fi or a dead cell link.
    offline: (state) => !state.browserOnline || state.serverUnreachable,
  },

  actions: {
    reportReachable(): void {
      this.serverUnreachable = false
      this.browserOnline = true
    },

    reportNetworkError(): void {
      this.serverUnreachable = true
    },

    /** Listen to the browser and poll GET /health; call once at start. */
    watch(client: ApiClient): void {
      let timer: ReturnType<typeof setTimeout> | undefined
      const check = async () => {
        clearTimeout(timer)
        try {
          await client.get('/health')
        } catch {
          // The api hooks already recorded reachable / unreachable.
        }
        schedule()
      }
      const schedule = () => {
        clearTimeout(timer)
        timer = setTimeout(check, this.offline ? POLL_OFFLINE_MS : POLL_ONLINE_MS)
      }
      window.addEventListener('online', () => {
        this.browserOnline = true
        void check()
      })
      window.addEventListener('offline', () => {
        this.browserOnline = false
      })
      document.addEventListener('visibilitychange', () => {
        // A phone back from the pocket: learn the truth now, not at the next tick.
        if (document.visibilityState === 'visible') void check()
        else clearTimeout(timer)
      })
      void check()
    },
  },
})
