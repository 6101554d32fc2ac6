/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsDir: 'assets',
    // The front door caches /assets/* for a year (hashed names); everything else is revalidated.
  },
  server: {
    proxy: {
      '/api': 'http://localhost:5080',
      '/gateway': { target: 'http://localhost:5080', ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // A shared CI machine under heavy load needs well over vitest's 5 s default for a first render.
    testTimeout: 30_000,
  },
});
