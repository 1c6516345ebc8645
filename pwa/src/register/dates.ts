// Calendar dates of the street (Asia/Shanghai, UTC+8 all year): due dates are compared as YYYY-MM-DD text.

const SHANGHAI_OFFSET_MS = 8 * 3600_000
const DAY_MS = 24 * 3600_000

/** YYYY-MM-DD in Asia/Shanghai of an instant (epoch ms). */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Today in Asia/Shanghai, whatever time zone the phone is set to. */
export function shanghaiToday(now: number = Date.now()): string {
  return shanghaiDate(now)
}

/** The Shanghai date of an ISO time with offset; null when it does not parse. */
export function shanghaiDateOf(iso: string | null | undefined): string | null {
  if (!iso) return null
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? null : shanghaiDate(ms)
}

/** A YYYY-MM-DD date moved by whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** Whole days from a to b (b − a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

/** Full years of age on `today` (a 29 February birthday counts from 1 March in common years). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number)
  const [ty, tm, td] = today.split('-').map(Number)
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0)
}
