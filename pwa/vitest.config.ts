// Unit tests run in Node without the PWA plugin; tests/build.test.ts reads the built dist/.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
  },
})
