// Checks the built PWA in dist/ (the Makefile builds first): precache, manifest, CSP-safe HTML.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const DIST = resolve(__dirname, '..', 'dist')

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
  assets?: string[]
}

let indexHtml = ''
let swSource = ''
let precache: string[] = []
let viteManifest: Record<string, ManifestChunk> = {}

function read(path: string): string {
  return readFileSync(join(DIST, path), 'utf8')
}

/** URLs index.html loads: scripts, stylesheets, preloads, icons, the manifest. */
function referencedUrls(html: string): string[] {
  const urls = [
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]),
  ]
  return urls.map((url) => url.replace(/^\//, ''))
}

/** The entry chunk and everything it imports statically: what the first screen loads. */
function staticClosure(manifest: Record<string, ManifestChunk>): Set<string> {
  const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry)
  const files = new Set<string>()
  const stack = entryKey ? [entryKey] : []
  const seen = new Set<string>()
  while (stack.length) {
    const key = stack.pop()!
    if (seen.has(key)) continue
    seen.add(key)
    const chunk = manifest[key]
    files.add(chunk.file)
    chunk.css?.forEach((css) => files.add(css))
    stack.push(...(chunk.imports ?? []))
  }
  return files
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`No build in ${DIST}: run \`npm run build\` in pwa/ first (make test does).`)
  }
  indexHtml = read('index.html')
  swSource = read('sw.js')
  precache = [...swSource.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1])
  viteManifest = JSON.parse(read('.vite/manifest.json'))
})

describe('built service worker', () => {
  it('precaches index.html and everything index.html references', () => {
    expect(precache).toContain('index.html')
    for (const url of referencedUrls(indexHtml)) {
      expect(precache, url).toContain(url)
    }
  })

  it('precaches every built asset, lazy chunks and the icon font included, but not the charts', () => {
    const assets = readdirSync(join(DIST, 'assets')).map((name) => `assets/${name}`)
    expect(assets.some((name) => name.endsWith('.woff2'))).toBe(true)
    const charts = assets.filter((name) => /^assets\/charts-.*\.js$/.test(name))
    expect(charts).toHaveLength(1)
    for (const asset of assets) {
      if (charts.includes(asset)) expect(precache, asset).not.toContain(asset)
      else expect(precache, asset).toContain(asset)
    }
    for (const url of precache) expect(existsSync(join(DIST, url)), url).toBe(true)
    expect(new Set(precache).size).toBe(precache.length)
  })

  it('serves navigations from the shell but never /api, and waits to be told to update', () => {
    expect(swSource).toContain('/index.html')
    expect(swSource).toMatch(/denylist:\[\/\^\\\/api\\\/\/\]/)
    expect(swSource).toContain('SKIP_WAITING')
  })

  it('runs the outbox on Background Sync', () => {
    expect(swSource).toMatch(/addEventListener\([`'"]sync[`'"]/)
    expect(swSource).toContain('gridwalk-sync')
  })
})

describe('web app manifest', () => {
  it('has the fields an installable zh-CN app needs, and its icons exist', () => {
    const manifest = JSON.parse(read('manifest.webmanifest'))
    expect(manifest).toMatchObject({
      name: '网格通 Gridwalk',
      short_name: '网格通',
      lang: 'zh-CN',
      display: 'standalone',
      start_url: '/',
      scope: '/',
    })
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i)
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i)
    const icons = manifest.icons as { src: string; sizes: string; purpose?: string }[]
    expect(icons.some((i) => i.sizes === '192x192')).toBe(true)
    expect(icons.some((i) => i.sizes === '512x512' && (i.purpose ?? 'any').includes('any'))).toBe(true)
    expect(icons.some((i) => i.sizes === '512x512' && i.purpose?.includes('maskable'))).toBe(true)
    for (const icon of icons) {
      const file = join(DIST, icon.src.replace(/^\//, ''))
      expect(existsSync(file), icon.src).toBe(true)
      // PNG signature, and the declared size in the IHDR chunk.
      const png = readFileSync(file)
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes)
    }
    expect(indexHtml).toContain('rel="manifest"')
  })
})

describe('CSP default-src self', () => {
  it('index.html has no inline script, style or event handler', () => {
    for (const match of indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(match[1], match[0]).toMatch(/\bsrc="/)
      expect(match[2].trim(), match[0]).toBe('')
    }
    expect(indexHtml).not.toMatch(/<style\b/)
    expect(indexHtml).not.toMatch(/\son[a-z]+="/)
  })

  it('the CSS loads nothing from data: URLs or other hosts', () => {
    for (const name of readdirSync(join(DIST, 'assets')).filter((n) => n.endsWith('.css'))) {
      const css = read(`assets/${name}`)
      for (const match of css.matchAll(/url\(\s*["']?([^"')]+)/g)) {
        expect(match[1], `${name}: ${match[1].slice(0, 60)}`).toMatch(/^\/assets\//)
      }
    }
  })
})

describe('first screen', () => {
  it('does not load the supervisor, handler, admin, 我的, form or 待同步 screens', () => {
    const firstScreen = [...staticClosure(viteManifest)]
    const lazy = ['SupervisorHome', 'HandlerHome', 'AdminHome', 'MePage', 'FormEntryPage', 'OutboxPage']
    for (const name of lazy) {
      const chunk = Object.values(viteManifest).find((c) => c.file.includes(`/${name}-`))
      expect(chunk, name).toBeDefined()
      expect(firstScreen, name).not.toContain(chunk!.file)
    }
    // The outbox (IndexedDB, sync engine) loads just after the first screen, not with it.
    for (const file of firstScreen.filter((f) => f.endsWith('.js'))) {
      expect(read(file), file).not.toContain('gridwalk-sync')
    }
    // index.html preloads exactly that closure.
    const loaded = referencedUrls(indexHtml).filter((url) => url.startsWith('assets/'))
    expect(new Set(loaded)).toEqual(new Set(firstScreen))
  })
})
