// The support widget (src/widget) as one classic script, dist/widget.js, built after the app (docs/architecture.md#support-desk-web).
// A fixed name, not hashed: sites embed its address; the front door serves it with `no-cache` so a release shows at once.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    target: 'es2020',
    minify: true,
    lib: {
      entry: 'src/widget/main.ts',
      name: 'ChaosSupportWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
