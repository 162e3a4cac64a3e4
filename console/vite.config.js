import { defineConfig } from 'vite';

// Served by Flask at /console/ (server/web/routes.py); it imports pwa/src/money.js and sync/labels.json.
export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false, assetsInlineLimit: 0 },
  server: { fs: { allow: ['..'] }, proxy: { '/api': 'http://127.0.0.1:5000' } },
});
