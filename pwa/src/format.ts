// Display helpers shared by pages: masked phones and role names.
import { t } from './i18n'
import type { User } from './stores/auth'

/** 13812345678 → 138****5678: phones are masked wherever they are listed. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return ''
  const digits = phone.replace(/\s+/g, '')
  if (digits.length < 7) return '*'.repeat(digits.length)
  return digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4)
}

export function roleLabel(user: Pick<User, 'role' | 'street_wide'>): string {
  switch (user.role) {
    case 'worker':
      return t('role.worker')
    case 'supervisor':
      return user.street_wide ? t('role.supervisorStreet') : t('role.supervisor')
    case 'handler':
      return t('role.handler')
    case 'admin':
      return t('role.admin')
  }
}

/**
 * An ISO time as the street's wall clock, "2026-11-27 09:30" (Asia/Shanghai is UTC+8 all
 * year, so no time-zone database is needed on old phones). Empty for a missing or bad time.
 */
export function shanghaiTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const d = new Date(ms + 8 * 3600_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time}`
}

/** Bytes for people: 0 B, 850 KB, 12.4 MB, 1.2 GB (1 KB = 1024 B, as phones show storage). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits)} ${units[unit]}`
}
