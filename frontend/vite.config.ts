import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Rust server serves the built SPA and the API from one origin; in development the
// Vite server forwards /api to it.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // React, the router and the query cache change rarely: one vendor chunk that stays
        // cached across releases and keeps the app's own chunk well under 500 kB. Chart.js
        // and the QR code library stay in the lazily loaded screens that use them.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser|@tanstack|openapi-fetch)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    // The browser tests' own helpers are unit-tested too (*.spec.mjs: `node --test` skips them).
    include: ['src/**/*.test.ts', 'e2e/support/**/*.spec.mjs'],
  },
});
