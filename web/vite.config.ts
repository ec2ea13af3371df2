import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Builds the single-page UI from web/ into dist/web (served by src/api/ui-static.ts).
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        // The editor is the heaviest part; keep it in its own chunk, loaded only by the graph page.
        manualChunks(id: string) {
          if (id.includes('@codemirror') || id.includes('@lezer') || id.includes('codemirror-promql')) return 'editor';
          if (id.includes('uplot')) return 'uplot';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:9090',
    },
  },
});
