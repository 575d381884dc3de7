import { defineConfig } from '@hey-api/openapi-ts'

// The API client is generated from the committed spec (../openapi/openapi.json) — never edit
// src/api/generated/ by hand; run `npm run generate` after the spec changes.
export default defineConfig({
  input: process.env.OPENAPI_SPEC ?? '../openapi/openapi.json',
  parser: {
    hooks: {
      operations: {
        // POST /dues/calculate is pure arithmetic (no state changes): the calculator previews it
        // as a cached query, so it gets query options as well as the mutation.
        getKind: (operation) => (operation.method === 'post' && operation.path === '/api/v1/dues/calculate' ? ['query', 'mutation'] : undefined),
      },
    },
  },
  output: {
    path: 'src/api/generated',
    clean: true,
  },
  plugins: [
    { name: '@hey-api/client-fetch', throwOnError: true, baseUrl: false },
    '@hey-api/typescript',
    { name: '@hey-api/sdk' },
    // Query keys and query options per operation (`organizationsTreeOptions()`,
    // `organizationsTreeQueryKey()` …): modules use these instead of hand-written keys.
    '@tanstack/vue-query',
  ],
})
