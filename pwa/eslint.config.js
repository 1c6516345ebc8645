// ESLint for the PWA: JS, TypeScript and Vue rules; formatting is Prettier's (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import prettier from 'eslint-config-prettier/flat'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  globalIgnores(['dist/', 'dev-dist/', 'src/components.d.ts', 'src/apiSchema.d.ts']),
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    rules: {
      // vue-tsc and tsc already report undefined names, with the real lib and global types.
      'no-undef': 'off',
      // Message tables declare their keys by module augmentation: interface LazyMessages extends Record<Key, string> {}.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // supervisor/ holds the supervisor's own screens; what other screens share lives in cases/.
    // Lazy import() of a screen (router.ts, HomePage.vue) is not an ImportDeclaration, so it stays allowed.
    files: ['src/**/*.ts', 'src/**/*.vue', 'tests/**/*.ts', 'bench/**/*.ts'],
    ignores: ['src/supervisor/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)supervisor/',
              message: 'supervisor/ is the supervisor screens only: import shared case code from cases/.',
            },
          ],
        },
      ],
    },
  },
  { languageOptions: { globals: globals.browser } },
  { files: ['sw/**/*.ts'], languageOptions: { globals: globals.serviceworker } },
  {
    files: ['*.config.{js,ts}', 'vite/**/*.ts', 'scripts/**/*.{js,mjs}', 'tests/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  prettier,
)
