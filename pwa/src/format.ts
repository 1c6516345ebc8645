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
