// Checks the built PWA in dist/ (the Makefile builds first): precache, manifest, CSP-safe HTML.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'

const PWA = resolve(__dirname, '..')
const DIST = join(PWA, 'dist')
/** The first screen's budget (issue 2), measured as bench/shell_size.py does. */
const FIRST_SCREEN_GZIP_BYTES = 150_000

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

/** Every file a chunk brings: its JS, its CSS, the assets it references. */
function filesOf(chunk: ManifestChunk): string[] {
  return [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]
}

/**
 * Screens a worker can never open, read from the sources rather than the build config:
 * routes whose roles leave the worker out, and the other roles' homes HomePage loads lazily.
 */
function deskRoots(): string[] {
  const router = readFileSync(join(PWA, 'src', 'router.ts'), 'utf8')
  const routes = [...router.matchAll(/import\('\.\/([^']+)'\)[^}]*?roles: \[([^\]]*)\]/g)]
    .filter((m) => !m[2].includes("'worker'"))
    .map((m) => `src/${m[1]}`)
  const home = readFileSync(join(PWA, 'src', 'pages', 'HomePage.vue'), 'utf8')
  // The non-worker homes HomePage loads lazily (the supervisor's lives with its screens in supervisor/).
  const homes = [...home.matchAll(/import\('\.\.\/((?:components\/home|supervisor)\/\w+Home)\.vue'\)/g)].map(
    (m) => `src/${m[1]}.vue`,
  )
  return [...routes, ...homes]
}

/** Files reachable from the entry through static and lazy imports without opening a desk screen. */
function workerFiles(manifest: Record<string, ManifestChunk>, desk: string[]): Set<string> {
  const files = new Set<string>()
  const seen = new Set(desk)
  const stack = Object.keys(manifest).filter((key) => manifest[key].isEntry)
  while (stack.length) {
    const key = stack.pop()!
    if (seen.has(key)) continue
    seen.add(key)
    filesOf(manifest[key]).forEach((file) => files.add(file))
    stack.push(...(manifest[key].imports ?? []), ...(manifest[key].dynamicImports ?? []))
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

  it('precaches every chunk a worker route can reach, the icon font included', () => {
    const worker = workerFiles(viteManifest, deskRoots())
    for (const screen of [
      'MePage',
      'OutboxPage',
      'FormNewPage',
      'FormFixPage',
      'RosterPage',
      'MyReportsPage',
      'ReportDetailPage',
      'CasePage',
      'TaskOpenPage',
    ]) {
      expect(
        [...worker].some((file) => file.startsWith(`assets/${screen}-`)),
        screen,
      ).toBe(true)
    }
    expect([...worker].some((file) => file.endsWith('.woff2'))).toBe(true)
    for (const file of worker) expect(precache, file).toContain(file)
    for (const url of precache) expect(existsSync(join(DIST, url)), url).toBe(true)
    expect(new Set(precache).size).toBe(precache.length)
  })

  it('leaves the desk screens (supervisor, handler, admin, dashboard, charts) out of the precache', () => {
    const roots = deskRoots()
    for (const screen of [
      'SupervisorHome',
      'HandlerHome',
      'AdminHome',
      'ReviewQueuePage',
      'CaseBoardPage',
      'TaskNewPage',
      'DashboardPage',
    ]) {
      expect(
        roots.some((root) => root.endsWith(`/${screen}.vue`)),
        screen,
      ).toBe(true)
    }
    const worker = workerFiles(viteManifest, roots)
    const assets = readdirSync(join(DIST, 'assets')).map((name) => `assets/${name}`)
    const desk = assets.filter((file) => !worker.has(file))
    for (const screen of ['SupervisorHome', 'AdminHome', 'DashboardPage', 'charts', 'DeskNav']) {
      expect(
        desk.some((file) => file.startsWith(`assets/${screen}-`)),
        screen,
      ).toBe(true)
    }
    for (const file of desk) expect(precache, file).not.toContain(file)
  })

  it('ships the Vant icon font cut down to the icons the app names (issue 16 §10)', () => {
    const assets = readdirSync(join(DIST, 'assets'))
    const fonts = assets.filter((name) => name.startsWith('vant-icon-') && name.endsWith('.woff2'))
    expect(fonts).toHaveLength(1)
    // The whole font is ~25 KB; the icons in use take a few.
    expect(readFileSync(join(DIST, 'assets', fonts[0])).length).toBeLessThan(10_000)
    const css = assets
      .filter((name) => name.endsWith('.css'))
      .map((name) => read(`assets/${name}`))
      .find((text) => text.includes('.van-icon-'))
    expect(css).toContain(fonts[0])
    // Ours (a category tile, the GPS retry, 待同步's state) and Vant's own (a cell's arrow).
    for (const name of ['fire-o', 'replay', 'passed', 'exchange', 'arrow', 'arrow-left']) {
      expect(css, name).toContain(`.van-icon-${name}:before`)
    }
    for (const name of ['wechat', 'qq', 'gift-o']) expect(css, name).not.toContain(`.van-icon-${name}:before`)
  })

  it('caches a desk screen at runtime once a desk user opens it', () => {
    expect(swSource).toContain('gridwalk-desk-assets')
    expect(swSource).toContain('/assets/')
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
      name: '网格通',
      short_name: '网格通',
      lang: 'zh-CN',
      display: 'standalone',
      start_url: '/',
      scope: '/',
    })
    // Bilingual description: Chinese first, then English.
    expect(manifest.description).toMatch(/^[\u4e00-\u9fff]/)
    expect(manifest.description).toMatch(/[A-Za-z]+ [A-Za-z]+/)
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
    const lazy = ['SupervisorHome', 'HandlerHome', 'AdminHome', 'MePage', 'FormNewPage', 'FormFixPage', 'OutboxPage']
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

  it('gzips its JS and CSS (entry, static imports, their CSS) to at most 150,000 bytes', () => {
    const files = [...staticClosure(viteManifest)].filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    expect(files.some((f) => f.endsWith('.css'))).toBe(true)
    const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0)
    expect(bytes).toBeGreaterThan(0)
    expect(bytes).toBeLessThanOrEqual(FIRST_SCREEN_GZIP_BYTES)
  })
})

describe('precompressed files', () => {
  it('gives the shell and every script and stylesheet over 1 KB a .gz twin with the same bytes inside', () => {
    const names = readdirSync(join(DIST, 'assets'))
    const big = names
      .filter((n) => /\.(js|css)$/.test(n))
      .map((n) => `assets/${n}`)
      .filter((f) => readFileSync(join(DIST, f)).length >= 1024)
    expect(big.length).toBeGreaterThan(0)
    for (const file of [...big, 'index.html', 'sw.js']) {
      const twin = join(DIST, `${file}.gz`)
      expect(existsSync(twin), file).toBe(true)
      expect(gunzipSync(readFileSync(twin)).equals(readFileSync(join(DIST, file))), file).toBe(true)
    }
  })

  it('keeps the twins out of the precache: the browser decodes what the server sends', () => {
    expect(precache.filter((url) => url.endsWith('.gz'))).toEqual([])
  })
})
