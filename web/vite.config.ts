import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The web UI. Run from the repository root (`npm run build:web`): the sources are in web/, the
 * build goes to web/dist, which the server serves with a fallback to index.html.
 */
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
