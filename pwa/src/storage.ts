// Safe localStorage access: private mode or a full disk must never break the shell.

export function readJson<T>(key: string): T | null {
  try {
    const text = globalThis.localStorage?.getItem(key)
    return text ? (JSON.parse(text) as T) : null
  } catch {
    return null
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value))
  } catch {
    // Quota or privacy mode: the value lives in memory for this session only.
  }
}

export function removeKey(key: string): void {
  try {
    globalThis.localStorage?.removeItem(key)
  } catch {
    // Nothing stored, nothing to remove.
  }
}

/** Remove every key that starts with prefix (e.g. one user's cached screens). */
export function removePrefix(prefix: string): void {
  try {
    const storage = globalThis.localStorage
    if (!storage) return
    const keys: string[] = []
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i)
      if (key?.startsWith(prefix)) keys.push(key)
    }
    keys.forEach((key) => storage.removeItem(key))
  } catch {
    // As above.
  }
}
