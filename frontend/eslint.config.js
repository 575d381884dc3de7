// ESLint flat config: eslint-plugin-vue + typescript-eslint. The generated API client is not linted.
import { readdirSync } from 'node:fs'
import js from '@eslint/js'
import globals from 'globals'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'
import vueParser from 'vue-eslint-parser'

// Module boundaries: a module (src/modules/<name>/) uses another only through its public surface,
// '@/modules/<other>' (its index.ts); helpers several modules need live in src/shared/. A deep
// import into another module fails lint; src/__tests__/module-boundaries.spec.ts also keeps the
// module graph free of cycles.
const MODULES = readdirSync(new URL('./src/modules/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
const moduleBoundaries = MODULES.map((name) => ({
  files: [`src/modules/${name}/**/*.{ts,vue}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@/modules/*/**', `!@/modules/${name}/**`],
            message: "Import another module only through its index ('@/modules/<name>'); shared helpers belong in src/shared/.",
          },
          {
            group: ['../../../*', '../../../../*'],
            message: "Leave the module through '@/…' imports, not relative paths (module boundaries).",
          },
        ],
      },
    ],
  },
}))

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'src/api/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.{ts,vue}'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        ecmaVersion: 'latest',
        sourceType: 'module',
        extraFileExtensions: ['.vue'],
      },
      globals: { ...globals.browser },
    },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/attributes-order': 'off',
      'vue/no-v-html': 'error',
      // A component used in a template must be imported (an unknown tag renders as a dead custom element).
      'vue/no-undef-components': ['error', { ignorePatterns: ['^Router(View|Link)$', '^router-(view|link)$'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='localStorage'][callee.property.name='setItem']", message: 'Only the language choice may be stored (src/locales/index.ts).' },
      ],
    },
  },
  ...moduleBoundaries,
  {
    files: ['src/locales/index.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['*.config.{js,ts}', 'vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
)
