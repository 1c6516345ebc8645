// Write a .gz twin next to each text file of dist/ (the server sends it to clients that accept
// gzip, server/web/compression.py): compressed once at build, at the highest level, never per request.
// Usage: node scripts/compress-dist.mjs [dist folder]; `npm run build` runs it after vite build.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { constants, gzipSync } from 'node:zlib'

const DIST = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url))
// Text compresses; PNG, JPEG and woff2 are compressed already.
const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/
// Below this a file fits in one packet: a twin would only add a file to the server's disk.
const MIN_BYTES = 1024

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else yield path
  }
}

let before = 0
let after = 0
let written = 0
for (const path of files(DIST)) {
  if (!TEXT.test(path)) continue
  const data = readFileSync(path)
  if (data.length < MIN_BYTES) continue
  const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION })
  if (gz.length >= data.length) continue
  writeFileSync(`${path}.gz`, gz)
  before += data.length
  after += gz.length
  written++
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
console.log(`gzip: ${written} files in ${relative(process.cwd(), DIST) || '.'}, ${kib(before)} -> ${kib(after)}`)
