// The sunlight palette: every text/background pair the screens use must keep its WCAG contrast.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(__dirname, '..', 'src')
const THEME = readFileSync(join(SRC, 'theme.css'), 'utf8')

/** Custom properties declared in theme.css, with var() references followed to a hex colour. */
function palette(css: string): Map<string, string> {
  const raw = new Map<string, string>()
  for (const m of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) {
    raw.set(m[1], m[2].trim())
  }
  const resolve = (value: string, depth = 0): string => {
    const ref = /^var\((--[\w-]+)\)$/.exec(value)
    if (!ref) return value
    const next = raw.get(ref[1])
    if (next === undefined || depth > 10) throw new Error(`unresolved ${value}`)
    return resolve(next, depth + 1)
  }
  return new Map([...raw].map(([name, value]) => [name, resolve(value)]))
}

function luminance(hex: string): number {
  let h = hex.replace('#', '')
  if (h.length === 3) h = [...h].map((c) => c + c).join('')
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

const BODY = 4.5
const LARGE = 3

// [foreground, background, minimum, where a worker sees it]
const PAIRS: [string, string, number, string][] = [
  ['--gw-text', '--gw-page', BODY, 'body text'],
  ['--gw-text-2', '--gw-card', BODY, 'labels and values in cells'],
  ['--gw-text-3', '--gw-card', BODY, 'hints, counts, timestamps on cards'],
  ['--gw-text-3', '--gw-page', BODY, 'empty-section text on the page'],
  ['--van-text-color-2', '--gw-card', BODY, "Vant's secondary text"],
  ['--van-text-color-3', '--gw-card', BODY, "Vant's placeholders"],
  ['--van-gray-6', '--gw-card', BODY, "Vant's grey text"],
  ['--gw-on-primary', '--van-primary-color', BODY, 'blue buttons and page headers'],
  ['--gw-on-primary', '--van-button-warning-background', BODY, '上报隐患'],
  ['--gw-on-primary', '--van-button-success-background', BODY, 'green buttons and tags'],
  ['--gw-on-primary', '--van-button-danger-background', BODY, 'red buttons and tags'],
  ['--gw-success', '--gw-card', BODY, '已同步'],
  ['--gw-warning', '--gw-card', BODY, 'amber counts on white'],
  ['--gw-danger', '--gw-card', BODY, 'error text'],
  ['--gw-danger', '--gw-danger-bg', BODY, 'error banners'],
  ['--gw-primary', '--gw-card', BODY, 'links and blue counts'],
  ['--gw-primary', '--gw-notice-bg', BODY, 'pending mark on the pale banner'],
  ['--van-notice-bar-text-color', '--van-notice-bar-background', BODY, 'the offline banner'],
  ['--van-nav-bar-icon-color', '--gw-card', LARGE, 'nav bar back arrow'],
  ['--van-tabbar-item-text-color', '--gw-card', BODY, 'tab bar labels'],
  ['--van-tabbar-item-active-color', '--gw-card', BODY, 'the current tab'],
]

describe('the sunlight palette', () => {
  const colours = palette(THEME)

  it.each(PAIRS)('%s on %s reaches %s:1 (%s)', (fg, bg, minimum) => {
    const ratio = contrast(colours.get(fg)!, colours.get(bg)!)
    expect(ratio).toBeGreaterThanOrEqual(minimum)
  })

  it('computes the ratios the issue measured', () => {
    // The formula itself: Vant's defaults that failed in the sun.
    expect(contrast('#969799', '#ffffff')).toBeCloseTo(2.92, 2)
    expect(contrast('#ffffff', '#1989fa')).toBeCloseTo(3.5, 1)
    expect(contrast('#07c160', '#ffffff')).toBeCloseTo(2.38, 2)
  })

  it('gives the status bar the palette blue, in the page and in the manifest', () => {
    const pwa = join(__dirname, '..')
    const primary = colours.get('--gw-primary')!
    expect(readFileSync(join(pwa, 'index.html'), 'utf8')).toContain(`<meta name="theme-color" content="${primary}"`)
    expect(readFileSync(join(pwa, 'vite.config.ts'), 'utf8')).toContain(`theme_color: '${primary}'`)
  })

  it('sets every Vant colour a screen draws text with', () => {
    for (const name of ['--van-primary-color', '--van-success-color', '--van-warning-color', '--van-danger-color']) {
      expect(colours.get(name), name).toMatch(/^#[0-9a-f]{6}$/i)
    }
  })

  it('leaves none of the failing colours written into a screen', () => {
    // A screen that writes #969799 itself bypasses the palette, so the pairs above would not catch it;
    // theme.css itself is covered by the pairs.
    const banned = /#(969799|1989fa|07c160|ff976a|ed6a0c|c8c9cc)\b/i
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (/\.(vue|css|ts)$/.test(name) && !/\.d\.ts$|^theme\.css$/.test(name)) {
          if (banned.test(readFileSync(path, 'utf8'))) offenders.push(path)
        }
      }
    }
    walk(SRC)
    expect(offenders).toEqual([])
  })
})
