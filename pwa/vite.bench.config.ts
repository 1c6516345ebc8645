// The benchmark pages, built apart from the app into BENCH_OUT: bench/roster.html (by
// bench/roster_phone.py: the app's outbox store and register modules as they are) and
// bench/desk-map.html (by bench/desk_map.py: the desk map's clustering and drawing).
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  root: resolve(import.meta.dirname, 'bench'),
  base: '/bench/',
  build: {
    outDir: process.env.BENCH_OUT ?? resolve(import.meta.dirname, 'node_modules', '.cache', 'bench-dist'),
    emptyOutDir: true,
    target: 'es2020',
    rolldownOptions: {
      input: {
        roster: resolve(import.meta.dirname, 'bench', 'roster.html'),
        'desk-map': resolve(import.meta.dirname, 'bench', 'desk-map.html'),
      },
    },
  },
})
