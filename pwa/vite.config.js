import { defineConfig } from 'vite';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { READABLE_OP_FORMATS, APP_VERSION } from './src/version.js';

const BASE = '/app/';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Writes dist/sw.js from src/sw.js with a revisioned precache list of every built file. */
function serviceWorker() {
  let outDir;
  return {
    name: 'heatledger-sw',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const files = walk(outDir).filter((p) => !p.endsWith('sw.js') && !p.endsWith('.map'));
      const entries = files.map((p) => ({
        url: BASE + relative(outDir, p).split('\\').join('/'),
        revision: createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 12),
      })).sort((a, b) => (a.url < b.url ? -1 : 1));
      const version = `${APP_VERSION}-${createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 10)}`;
      const src = readFileSync('src/sw.js', 'utf8')
        .replace('__PRECACHE__', JSON.stringify(entries))
        .replace('__VERSION__', JSON.stringify(version))
        .replace('__READABLE__', JSON.stringify(READABLE_OP_FORMATS));
      writeFileSync(join(outDir, 'sw.js'), src);
      writeFileSync(join(outDir, 'version.json'), JSON.stringify({ version, files: entries.length }));
    },
  };
}

export default defineConfig({
  base: BASE,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', sourcemap: false, assetsInlineLimit: 0 },
  plugins: [serviceWorker()],
  server: { proxy: { '/api': 'http://127.0.0.1:5000', '/r': 'http://127.0.0.1:5000' } },
});
