import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The dashboard folder, whatever directory vite is started from (`npm run build:dashboard` runs at the repo root). */
const root = fileURLToPath(new URL('.', import.meta.url));

/** Where `vite dev` forwards `/api` (the gateway's default bind); override with `PREDATOR_GATEWAY`. */
const gateway = process.env.PREDATOR_GATEWAY ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  // Relative asset URLs: the gateway can serve the built files under any prefix.
  base: './',
  // Compiler options are the defaults; there is no svelte.config.js to look for.
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // elkjs's layout engine (1.6 MB of GWT output) is shipped as a worker asset, loaded only when a
    // state chart is opened, so the app chunk stays small and the bundler has nothing to warn about.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: gateway } },
  },
  preview: {
    host: '127.0.0.1',
    proxy: { '/api': { target: gateway } },
  },
});
