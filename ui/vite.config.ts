import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri loads the dev server at a fixed address (src-tauri/tauri.conf.json `devUrl`), so the port
// may not drift, and Vite must not clear the terminal the Rust build is printing to.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK and WebView2 of supported systems both run modern JS.
    target: 'es2022',
  },
  resolve: {
    // `$lib/…` is src/lib (also in tsconfig.json `paths`, for svelte-check).
    alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) },
    // Under Vitest, components must resolve to Svelte's browser build (jsdom), not its server one.
    // (Vitest runs in mode `test`.)
    ...(mode === 'test' ? { conditions: ['browser'] } : {}),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    clearMocks: true,
    restoreMocks: true,
  },
}));
