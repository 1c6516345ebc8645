// Every literal t('…') key of the field-work screens exists in a dictionary (a typo would show the key itself).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dictionaries } from '../../src/i18n'
import { fieldWorkZh } from '../../src/register/messages'

const SRC = resolve(__dirname, '..', '..', 'src')
/** The register, roster, report and 我的上报 screens and what they changed in the shell. */
const SCREENS = [
  'register',
  'components/register',
  'pages/RosterPage.vue',
  'pages/HouseholdPage.vue',
  'pages/HouseholdEditPage.vue',
  'pages/ResidentEditPage.vue',
  'pages/ConflictPage.vue',
  'pages/MyReportsPage.vue',
  'entry',
  'pages/FormNewPage.vue',
  'pages/FormFixPage.vue',
  'pages/OutboxPage.vue',
  'components/home/WorkerHome.vue',
  'components/AppTabbar.vue',
  'components/outbox/OutboxItemCard.vue',
]

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path).flatMap((name) => {
    const child = join(path, name)
    if (statSync(child).isDirectory()) return files(child)
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.test.ts') ? [child] : []
  })
}

describe('message keys', () => {
  it('are all defined', () => {
    const known = new Set([...Object.keys(dictionaries['zh-CN']), ...Object.keys(fieldWorkZh)])
    const missing: string[] = []
    for (const path of SCREENS.flatMap((p) => files(join(SRC, p)))) {
      const text = readFileSync(path, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z_]+\.[a-zA-Z_.]+)'/g)) {
        if (!known.has(m[1])) missing.push(`${path.slice(SRC.length + 1)}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
