/// <reference types="vitest/config" />
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = dirname(fileURLToPath(import.meta.url));
const pdfjs = join(here, 'node_modules', 'pdfjs-dist');
/** pdf.js loads these at run time: bundled under dist/pdfjs so PDFs render offline (no CDN). */
const PDFJS_ASSETS = ['cmaps', 'standard_fonts', 'wasm'];

/** Copies pdf.js's worker, character maps, standard fonts and decoders into the build. */
function bundlePdfjsAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'backdesk-bundle-pdfjs-assets',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle() {
      for (const name of PDFJS_ASSETS) {
        const from = join(pdfjs, name);
        if (!existsSync(from)) throw new Error(`pdf.js ${name} missing at ${from}: run npm ci in ui/`);
        cpSync(from, join(here, outDir, 'pdfjs', name), { recursive: true });
      }
      // the worker as .js: every webview serves that extension as JavaScript (not all know .mjs)
      cpSync(join(pdfjs, 'legacy', 'build', 'pdf.worker.min.mjs'), join(here, outDir, 'pdfjs', 'pdf.worker.min.js'));
    },
  };
}

// The Tauri shell serves `dist/` (tauri.conf.json `frontendDist`) or loads this dev server (`devUrl`).
export default defineConfig({
  plugins: [svelte(), bundlePdfjsAssets()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    // WebKitGTK 2.40+ (Debian 12), WebView2 and macOS 12 Safari all handle ES2021
    target: ['es2021', 'safari15'],
    // the CSS as written for those webviews, all of which know `system-ui`: for older targets the minifier
    // would put macOS and Windows font names after every `system-ui`, which WebKitGTK looks up one by one
    cssTarget: ['safari15', 'chrome100'],
    sourcemap: false,
    // pdf.js alone is larger than Vite's default warning size; it is loaded when a PDF is opened
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // bundle the plugin's JS so the mocked @tauri-apps/api/core reaches it
    server: { deps: { inline: ['@tauri-apps/plugin-sql'] } },
  },
});
