// Serve Vant's icon font as a hashed file instead of a data: URL inside the CSS.
//
// Why: the server's CSP is `default-src 'self'`, which blocks data: fonts (the icons would
// vanish), and Vant's fallback points at a CDN (at.alicdn.com) that 'self' blocks and that an
// offline phone cannot reach. As a file the font is precached like any other asset.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { Plugin } from 'vite'

const ICON_CSS = /[\\/]vant[\\/]es[\\/]icon[\\/]index\.css$/
const FONT_SRC = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)[^;}]*/

export function vantIconFontAsFile(): Plugin {
  let cacheDir = ''
  return {
    name: 'gridwalk:vant-icon-font',
    enforce: 'pre',
    configResolved(config) {
      cacheDir = join(config.root, 'node_modules', '.cache', 'gridwalk')
    },
    transform(code, id) {
      const file = id.split('?')[0]
      if (!ICON_CSS.test(file)) return null
      const match = FONT_SRC.exec(code)
      if (!match) this.error('Vant icon CSS changed: no inline woff2 found; update vite/vant-icon-font.ts')
      const fontPath = join(cacheDir, 'vant-icon.woff2')
      mkdirSync(cacheDir, { recursive: true })
      writeFileSync(fontPath, Buffer.from(match[1], 'base64'))
      const url = relative(dirname(file), fontPath).split('\\').join('/')
      return { code: code.replace(FONT_SRC, `src:url("${url}") format("woff2")`), map: null }
    },
  }
}
