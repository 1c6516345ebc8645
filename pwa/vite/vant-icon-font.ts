// Serve Vant's icon font as a hashed file instead of a data: URL inside the CSS, cut down to the
// icons the app can show.
//
// Why a file: the server's CSP is `default-src 'self'`, which blocks data: fonts (the icons would
// vanish), and Vant's fallback points at a CDN (at.alicdn.com) that 'self' blocks and that an
// offline phone cannot reach. As a file the font is precached like any other asset.
// Why a subset: the full font is ~25 KB of 259 icons, of which a worker's screens show a few dozen
// (issue 16 §10). The names in use are the icon names quoted in our sources and in the Vant
// components we use (with what they import); quoting a name is enough to keep it, so a name
// picked at run time (`:icon="n ? 'exchange' : 'passed'"`) stays. A name built from parts would
// not: write icon names out whole.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import subsetFont from 'subset-font'
import type { Plugin } from 'vite'

const ICON_CSS = /[\\/]vant[\\/]es[\\/]icon[\\/]index\.css$/
const FONT_SRC = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)[^;}]*/
const GLYPH_RULE = /\.van-icon-([a-z0-9-]+):before\{content:"\\([0-9a-f]+)"\}/g
const QUOTED = /["'`]([a-z0-9-]+)["'`]/g
const RELATIVE_IMPORT = /from\s*"(\.{1,2}\/[^"]+\.mjs)"/g

function* filesUnder(dir: string, ends: string[]): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* filesUnder(path, ends)
    else if (ends.some((end) => name.endsWith(end)) && !name.includes('.test.')) yield path
  }
}

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

/** Vant's module files our code can reach: the components our templates use (<van-cell>), what
 *  src imports from 'vant' by name (showToast lives in toast/), and everything those import.
 *  (Not components.d.ts: unplugin-vue-components rewrites it while the build runs.) */
export function vantFilesInUse(srcDir: string, vantEs: string): string[] {
  const names = new Set<string>()
  for (const file of filesUnder(srcDir, ['.ts', '.vue'])) {
    const code = readFileSync(file, 'utf8')
    for (const m of code.matchAll(/<van-([a-z-]+)/g)) names.add(m[1])
    for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'vant'/g)) {
      for (const part of m[1].split(',')) if (part.trim()) names.add(kebab(part.trim().split(/\s+as\s+/)[0]))
    }
  }
  const dirs = new Set(readdirSync(vantEs).filter((d) => statSync(join(vantEs, d)).isDirectory()))
  const stack: string[] = []
  for (const name of names) {
    const parts = name.split('-')
    // action-sheet -> action-sheet/; show-confirm-dialog -> dialog/: the longest tail that is a folder.
    const dir = parts.map((_, i) => parts.slice(i).join('-')).find((tail) => dirs.has(tail))
    if (!dir) continue
    for (const file of filesUnder(join(vantEs, dir), ['.mjs'])) stack.push(file)
  }
  const seen = new Set<string>()
  while (stack.length) {
    const file = stack.pop()!
    if (seen.has(file) || !existsSync(file)) continue
    seen.add(file)
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) stack.push(resolve(dirname(file), m[1]))
  }
  return [...seen]
}

/** The icon names (of `known`) quoted anywhere in these files. */
export function quotedIconNames(files: Iterable<string>, known: Set<string>): Set<string> {
  const used = new Set<string>()
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(QUOTED)) if (known.has(m[1])) used.add(m[1])
  }
  return used
}

export function vantIconFontAsFile(): Plugin {
  let cacheDir = ''
  let srcDir = ''
  let vantEs = ''
  return {
    name: 'gridwalk:vant-icon-font',
    enforce: 'pre',
    configResolved(config) {
      cacheDir = join(config.root, 'node_modules', '.cache', 'gridwalk')
      srcDir = join(config.root, 'src')
      vantEs = join(config.root, 'node_modules', 'vant', 'es')
    },
    async transform(code, id) {
      const file = id.split('?')[0]
      if (!ICON_CSS.test(file)) return null
      const match = FONT_SRC.exec(code)
      if (!match) this.error('Vant icon CSS changed: no inline woff2 found; update vite/vant-icon-font.ts')
      const glyphs = new Map([...code.matchAll(GLYPH_RULE)].map((m) => [m[1], m[2]]))
      if (!glyphs.size) this.error('Vant icon CSS changed: no glyph rules found; update vite/vant-icon-font.ts')
      const known = new Set(glyphs.keys())
      const used = quotedIconNames([...filesUnder(srcDir, ['.ts', '.vue']), ...vantFilesInUse(srcDir, vantEs)], known)
      const text = [...used].map((name) => String.fromCodePoint(parseInt(glyphs.get(name)!, 16))).join('')
      const font = await subsetFont(Buffer.from(match[1], 'base64'), text, { targetFormat: 'woff2' })
      const fontPath = join(cacheDir, 'vant-icon.woff2')
      mkdirSync(cacheDir, { recursive: true })
      writeFileSync(fontPath, font)
      const url = relative(dirname(file), fontPath).split('\\').join('/')
      // The rules of icons not kept go too: they would name glyphs the font no longer has.
      const css = code
        .replace(FONT_SRC, `src:url("${url}") format("woff2")`)
        .replace(GLYPH_RULE, (rule, name: string) => (used.has(name) ? rule : ''))
      return { code: css, map: null }
    },
  }
}
