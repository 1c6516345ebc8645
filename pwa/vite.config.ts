// Build of the PWA shell: Vue, Vant imported per component, and an injectManifest worker.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import type { Manifest } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import { VitePWA } from 'vite-plugin-pwa'
import pkg from './package.json' with { type: 'json' }
import { vantIconFontAsFile } from './vite/vant-icon-font.ts'

/**
 * Screens only a desk (supervisor, handler, admin) opens, as keys of dist/.vite/manifest.json.
 * What only they import is left out of the precache: a worker's phone never downloads it.
 * Keep in step with src/router.ts (routes whose roles exclude the worker) and HomePage.vue.
 */
const DESK_ROOTS = [
  'src/supervisor/SupervisorHome.vue',
  'src/components/home/HandlerHome.vue',
  'src/components/home/AdminHome.vue',
  'src/supervisor/ReviewQueuePage.vue',
  'src/supervisor/CaseBoardPage.vue',
  'src/tasks/TaskNewPage.vue',
  'src/accounts/UsersPage.vue',
  'src/campaigns/CampaignBoardPage.vue',
  'src/campaigns/CampaignNewPage.vue',
  'src/ledger/LedgerImportPage.vue',
  'src/coverage/CoveragePage.vue',
  // With it the ECharts chunk (~160 KB gzip), which only the dashboard imports.
  'src/reports/DashboardPage.vue',
  // 一张图 with supercluster: the worker's own map (src/map/MapPage.vue) stays precached.
  'src/map/DeskMapPage.vue',
]

/** Built files (JS, CSS, assets) that no worker route reaches, statically or lazily. */
function deskOnlyFiles(manifest: Manifest): Set<string> {
  for (const root of DESK_ROOTS) {
    // A renamed screen must not fall back into the precache unnoticed.
    if (!manifest[root]) throw new Error(`desk screen ${root} is not in the build manifest`)
  }
  const filesOf = (key: string) => {
    const chunk = manifest[key]
    return [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]
  }
  const workerFiles = new Set<string>()
  const seen = new Set<string>(DESK_ROOTS)
  const stack = Object.keys(manifest).filter((key) => manifest[key].isEntry)
  while (stack.length) {
    const key = stack.pop()!
    if (seen.has(key)) continue
    seen.add(key)
    filesOf(key).forEach((file) => workerFiles.add(file))
    stack.push(...(manifest[key].imports ?? []), ...(manifest[key].dynamicImports ?? []))
  }
  const desk = new Set<string>()
  for (const key of Object.keys(manifest)) {
    for (const file of filesOf(key)) if (!workerFiles.has(file)) desk.add(file)
  }
  return desk
}

const VITE_MANIFEST = fileURLToPath(new URL('./dist/.vite/manifest.json', import.meta.url))

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  plugins: [
    vue(),
    // Only the Vant components a template uses (and their CSS) are bundled.
    Components({ dirs: [], resolvers: [VantResolver()], dts: 'src/components.d.ts' }),
    vantIconFontAsFile(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      // main.ts registers through virtual:pwa-register: an injected inline script would break the CSP.
      injectRegister: null,
      registerType: 'prompt',
      injectManifest: {
        // Icons too (favicon, apple-touch), so an installed app cold-starts offline with them;
        // the plugin adds manifest.webmanifest itself.
        globPatterns: ['**/*.{js,css,html,png,svg,ico,woff2}'],
        // Desk screens are cached at runtime when a desk user opens them (sw/sw.ts): precaching
        // them would make every worker's phone download code it can never run. The worker is built
        // after the app, so Vite's manifest is on disk by then.
        manifestTransforms: [
          (entries) => {
            const desk = deskOnlyFiles(JSON.parse(readFileSync(VITE_MANIFEST, 'utf8')) as Manifest)
            return { manifest: entries.filter((entry) => !desk.has(entry.url)) }
          },
        ],
      },
      // The glob above already lists the manifest's icons: don't list them twice.
      includeManifestIcons: false,
      manifest: {
        name: '网格通',
        short_name: '网格通',
        // Bilingual: installers show it as is, before the app's language setting applies.
        description:
          '网格员入户走访、关爱巡访与隐患上报，离线可用 · Gridwalk: door-to-door visits, care rounds and hazard reports, offline',
        lang: 'zh-CN',
        dir: 'ltr',
        display: 'standalone',
        orientation: 'portrait',
        start_url: '/',
        scope: '/',
        id: '/',
        theme_color: '#1466c9', // --gw-primary (src/theme.css): the status bar's white icons read on it
        background_color: '#f7f8fa',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    // bench/shell_size.py and tests/build.test.ts read the entry's static import closure from it.
    manifest: true,
    // Cheap Android phones run older Chromium-based browsers: keep syntax they parse.
    target: ['es2020', 'chrome80', 'safari14', 'firefox78'],
    rolldownOptions: {
      output: {
        // Vue, the router and pinia change only on upgrades: their own chunk keeps its hash
        // across app releases, so an update re-downloads less on a metered phone.
        codeSplitting: {
          groups: [{ name: 'framework', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
  preview: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
})
