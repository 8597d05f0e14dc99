import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Two pages from one build: the storefront at `/` and the operator console at `/console/`. Preact's
// JSX runtime is set for oxc (Vite 8's transformer), so no framework plugin (and no Babel) is needed.
const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: page('.'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: page('./dist'),
    emptyOutDir: true,
    // Every asset is a file served by the gateway on the same origin: nothing is inlined from a CDN.
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: { storefront: page('./index.html'), console: page('./console/index.html') },
      // On a loaded machine every build would warn that it was slow: noise, not news.
      checks: { bundlerTimings: false },
    },
  },
  server: { proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080' } },
});
