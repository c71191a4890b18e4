import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const client = fileURLToPath(new URL('./client/', import.meta.url));

/** The viewer (index.html) and the embeddable map (embed.html); `npm run dev` proxies the API. */
export default defineConfig({
  root: client,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { index: `${client}index.html`, embed: `${client}embed.html` } },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/tiles', '/glyphs'].map((p) => [p, 'http://localhost:3000'])),
  },
});
