// A screen's code or CSS failed to load (a flaky network, or a deploy replaced the hashed files):
// try once more, then reload the page, so a worker never stares at a blank route. Counted in
// sessionStorage across the reload, so a server that keeps failing cannot cause a reload loop.

const KEY = 'gw.preloadFailures'
/** Failures further apart than this are separate accidents: each gets its own retry. */
export const WINDOW_MS = 60_000

export type PreloadStep = 'retry' | 'reload' | 'give-up'

type SessionLike = Pick<Storage, 'getItem' | 'setItem'>

export interface RecoveryDeps {
  session: SessionLike | null
  now: () => number
  reload: () => void
  /** Load the stylesheet again with a fresh <link>; rejects if it fails again. */
  restyle: (href: string) => Promise<void>
}

/** The step for a failure now: the first in the window retries, the second reloads, then we stop. */
export function nextStep(session: SessionLike | null, now: number): PreloadStep {
  let recent: number[] = []
  try {
    const stored = JSON.parse(session?.getItem(KEY) ?? '[]') as unknown
    if (Array.isArray(stored)) recent = stored.filter((t): t is number => typeof t === 'number' && now - t < WINDOW_MS)
  } catch {
    // Unreadable: count from zero.
  }
  try {
    session?.setItem(KEY, JSON.stringify([...recent, now]))
  } catch {
    // Private mode: without the count a failure still retries, then reloads.
  }
  return recent.length === 0 ? 'retry' : recent.length === 1 ? 'reload' : 'give-up'
}

/** The stylesheet whose preload failed, from Vite's "Unable to preload CSS for …" error. */
export function failedStylesheet(payload: unknown): string | null {
  const message = payload instanceof Error ? payload.message : String(payload ?? '')
  return /^Unable to preload CSS for (\S+)/.exec(message)?.[1] ?? null
}

/**
 * Handle Vite's `vite:preloadError`. A failed stylesheet is fetched again by us while the
 * screen's code goes on (Vite would never ask for it twice); a failed script is left to throw,
 * and the router retries the navigation once (see main.ts). The second failure reloads.
 */
export function recoverFromPreloadError(event: Event & { payload?: unknown }, deps: RecoveryDeps): PreloadStep {
  const step = nextStep(deps.session, deps.now())
  if (step === 'reload') {
    deps.reload()
    return step
  }
  const href = failedStylesheet(event.payload)
  if (step === 'retry' && href) {
    event.preventDefault()
    deps.restyle(href).catch(() => {
      if (nextStep(deps.session, deps.now()) === 'reload') deps.reload()
    })
  }
  return step
}

/** Browser side of RecoveryDeps.restyle: drop the failed <link>, add a fresh one, wait for it. */
export function restyle(href: string): Promise<void> {
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')) {
    if (link.href === href) link.remove()
  }
  return new Promise((resolve, reject) => {
    const link = document.createElement('link')
    link.rel = 'stylesheet'
    link.href = href
    link.addEventListener('load', () => resolve())
    link.addEventListener('error', () => reject(new Error(`Unable to load CSS ${href}`)))
    document.head.appendChild(link)
  })
}

/** Whether a navigation failed because a lazy screen's script did not load. */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error ?? '')
  return /dynamically imported module|Importing a module script failed|Unable to preload/i.test(message)
}
