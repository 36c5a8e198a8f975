// Vite build of the explorer's enhancements: one entry per page kind, split so that a profile
// page loads a few kB and only /map loads Leaflet and /graph loads cytoscape.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    rollupOptions: {
      input: {
        common: 'src/common.js',
        search: 'src/search.js',
        map: 'src/map.js',
        graph: 'src/graph.js',
      },
    },
  },
});
