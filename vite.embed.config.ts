import { defineConfig } from 'vite';

/**
 * `/embed.js`, the script a clinic page loads to show the Relais button (src/embed/embed.ts): its
 * own build, after the app's (`npm run build`), one classic script with no framework and no hash in
 * its name (pages reference it by a fixed address; the gateway has it revalidated). It is written
 * after the service worker's precache list is made, so the worker neither carries nor grows by it.
 */
export default defineConfig({
  publicDir: false,
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    lib: { entry: 'src/embed/embed.ts', formats: ['iife'], name: 'RelaisEmbed', fileName: () => 'embed.js' },
  },
});
