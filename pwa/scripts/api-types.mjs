// Generate src/apiSchema.d.ts from the server's OpenAPI document; with --check, fail when the committed file differs.
// Usage: npm run api-types | npm run api-types:check (Python from $GRIDWALK_PYTHON, else ../.venv/bin/python).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

const PWA = fileURLToPath(new URL('..', import.meta.url))
const ROOT = join(PWA, '..')
const TARGET = join(PWA, 'src', 'apiSchema.d.ts')
const HEADER = `// Generated from GET /api/v1/openapi.json by openapi-typescript: do not edit.
// Regenerate with \`npm run api-types\` (pwa/scripts/api-types.mjs); \`make test\` fails when it is stale.

`

const check = process.argv.includes('--check')
const python = process.env.GRIDWALK_PYTHON || join(ROOT, '.venv', 'bin', 'python')
const scratch = mkdtempSync(join(tmpdir(), 'gridwalk-api-types-'))
try {
  const specPath = join(scratch, 'openapi.json')
  const dump = spawnSync(python, [join(PWA, 'scripts', 'openapi_spec.py'), specPath], { cwd: ROOT, stdio: 'inherit' })
  if (dump.status !== 0) throw new Error(`could not dump the OpenAPI document (${python} exited ${dump.status})`)
  const spec = JSON.parse(readFileSync(specPath, 'utf8'))
  const types = HEADER + astToString(await openapiTS(spec))
  const target = relative(process.cwd(), TARGET)
  if (!check) {
    writeFileSync(TARGET, types)
    console.log(`wrote ${target}`)
  } else {
    let committed = null
    try {
      committed = readFileSync(TARGET, 'utf8')
    } catch {
      console.error(`${target} is missing`)
    }
    if (committed !== null && committed !== types) {
      const fresh = join(scratch, 'apiSchema.d.ts')
      writeFileSync(fresh, types)
      spawnSync(
        'diff',
        ['-u', '--label', `${target} (committed)`, '--label', `${target} (from the spec)`, TARGET, fresh],
        {
          stdio: 'inherit',
        },
      )
    }
    if (committed !== types) {
      console.error(
        `\n${target} does not match the server's OpenAPI document: run \`npm run api-types\` in pwa/ and commit it.`,
      )
      process.exitCode = 1
    } else {
      console.log(`${target} matches the server's OpenAPI document`)
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
