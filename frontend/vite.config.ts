import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import ElementPlus from 'unplugin-element-plus/vite'
import { precompress } from './build/precompress'

// Development: `npm run dev` proxies /api, /healthz and /readyz to the backend
// (DANGJIAN_API_URL, default http://127.0.0.1:8000). Production: the backend serves dist/.
const apiTarget = process.env.DANGJIAN_API_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [
    vue(),
    // `import { ElButton } from 'element-plus'` also imports the button's style sheet (no global CSS);
    // not under Vitest, which runs element-plus from node_modules where a .css import cannot load
    ...(process.env.VITEST ? [] : [ElementPlus({})]),
    // dist/ holds each file also as .br and .gz: the backend answers with them by Accept-Encoding
    precompress(),
  ],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget },
      '/readyz': { target: apiTarget },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
  },
})
