/** package.json version, set by vite.config.ts (sent with every push as app_version). */
declare const __APP_VERSION__: string
