// The roster benchmark page (bench/roster.html), built apart from the app into BENCH_OUT by
// bench/roster_phone.py: it reuses the app's outbox store and register modules as they are.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  root: resolve(import.meta.dirname, 'bench'),
  base: '/bench/',
  build: {
    outDir: process.env.BENCH_OUT ?? resolve(import.meta.dirname, 'node_modules', '.cache', 'bench-dist'),
    emptyOutDir: true,
    target: 'es2020',
    rolldownOptions: { input: resolve(import.meta.dirname, 'bench', 'roster.html') },
  },
})
