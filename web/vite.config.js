import { defineConfig } from 'vite';
import { basemapPlugin } from './basemap.js';

export default defineConfig({
  plugins: [basemapPlugin()],
  // Relative asset URLs: the page works wherever the Rust binary mounts it.
  base: './',
  build: {
    // The basemap module is large by design (offline Natural Earth data).
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` next to `cargo run -p cuenca -- serve`.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true }, '/healthz': 'http://127.0.0.1:8080' },
  },
});
