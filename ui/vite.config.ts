/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The Tauri shell serves `dist/` (tauri.conf.json `frontendDist`) or loads this dev server (`devUrl`).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    // WebKitGTK 2.40+ (Debian 12), WebView2 and macOS 12 Safari all handle ES2021
    target: ['es2021', 'safari15'],
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // bundle the plugin's JS so the mocked @tauri-apps/api/core reaches it
    server: { deps: { inline: ['@tauri-apps/plugin-sql'] } },
  },
});
