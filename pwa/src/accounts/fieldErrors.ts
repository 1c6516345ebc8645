// The server's 422 answer as one message per field, for the account forms to show under each field.
import { ApiError } from '../api'

/** The first message of each field the server named; empty for anything but an ApiError with fields. */
export function fieldMessages(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(error.fields)) {
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string' && first) out[name] = first
  }
  return out
}

/** Where to go after the change: our own path from ?redirect=, never another site. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}
