// Build of the PWA shell: Vue, Vant imported per component, and an injectManifest worker.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import { VitePWA } from 'vite-plugin-pwa'
import pkg from './package.json' with { type: 'json' }
import { vantIconFontAsFile } from './vite/vant-icon-font.ts'

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
        // ECharts (~160 KB gzip) serves only the online KPI dashboard at a supervisor's desk:
        // precaching it would make every worker's phone download it.
        globIgnores: ['**/assets/charts-*.js'],
      },
      // The glob above already lists the manifest's icons: don't list them twice.
      includeManifestIcons: false,
      manifest: {
        name: '网格通 Gridwalk',
        short_name: '网格通',
        description: '网格员入户走访、关爱巡访与隐患上报，离线可用',
        lang: 'zh-CN',
        dir: 'ltr',
        display: 'standalone',
        orientation: 'portrait',
        start_url: '/',
        scope: '/',
        id: '/',
        theme_color: '#1989fa',
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
