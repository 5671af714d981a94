import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { readFileSync } from 'node:fs';
import { VitePWA } from 'vite-plugin-pwa';
import type { CodeSplittingGroup, Plugin, TreeshakingOptions } from 'rolldown';
import { minify } from 'terser';

/**
 * The contract modules (src/shared) only define constants, schemas and functions: a bundle that
 * uses none of a module's exports drops the module, schemas and zod with it. The app shell imports
 * a few constants and types from modules that also hold schemas, and stays free of zod (measured:
 * 35.6 KB gzip without this, 24.8 KB with it). Packages keep what their own package.json says.
 */
const TREESHAKE = {
  moduleSideEffects: [{ test: /\/src\/shared\//, sideEffects: false }],
} satisfies TreeshakingOptions;

/**
 * A second minification of the service worker, by terser over Rolldown's output: the worker is held
 * to 60 KB gzip (DESIGN.md) and Dexie alone is half of it. Measured on the same build: 61,396 B gzip
 * with Rolldown's minifier alone, 60,672 B after this pass (terser's safe defaults, two passes).
 * Three passes (still only safe transforms): 59,767 → 59,714 B gzip -9 of dist/sw.js, the app
 * shell unchanged, the on-demand chunks 75,267 → 75,250 B. The `unsafe*` and `pure_getters` options
 * would save 15–45 B more each, on code (Dexie, zod) whose getters and prototypes were not checked.
 */
function terserPass(): Plugin {
  return {
    name: 'relais:sw-terser',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const { code } = await minify(chunk.code, { module: true, compress: { passes: 3 }, mangle: true });
        if (code !== undefined) chunk.code = code;
      }
    },
  };
}

/** Zod, and a contract module that defines schemas (it imports zod). */
function holdsSchemas(id: string): boolean {
  if (/[\\/]node_modules[\\/]zod[\\/]/.test(id)) return true;
  return /[\\/]src[\\/]shared[\\/][^/\\]+\.ts$/.test(id) && readFileSync(id, 'utf8').includes("from 'zod");
}

/**
 * Everything the app shell loads statically in one file, the entry. Left to itself, Rolldown puts
 * each module the shell shares with lazy chunks in a chunk of its own (preact and signals, the SW
 * client, the session, the policy, the limits: 6 files), and each file is one more entry in the
 * worker's precache manifest (~15 B gzip each) and one more gzip stream for the shell. Contract
 * modules with schemas stay out (and their dependencies are not followed): the shell imports their
 * constants only, and their schemas, used by lazy chunks, must not bring zod into the shell. Lazy
 * screens stay lazy. Measured on the same build (gzip -9): worker 59,820 → 59,767 B (41 → 37
 * precache entries); app shell 30,619 B in 6 files → 29,216 B in 2 (the entry and sw-events'
 * constants); on-demand chunks 76,245 → 75,267 B.
 */
const SHELL_CHUNK = {
  name: 'shell',
  tags: ['$initial'],
  test: (id: string) => !holdsSchemas(id),
  includeDependenciesRecursively: false,
} satisfies CodeSplittingGroup;

/**
 * The app and its service worker. The SW is built from `src/sw/sw.ts` (injectManifest), with the
 * precache manifest injected; `registerType: 'prompt'` lets the tab show "Nouvelle version disponible".
 */
export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      // The icons and the web manifest are in the glob below already: listed twice, each costs the
      // worker an entry with a 32-hex-digit revision (measured: 61,621 → see the bundle budget test).
      includeManifestIcons: false,
      injectManifest: {
        // No icons: the browser keeps an installed app's icons itself, and a notification's icon is
        // fetched when a push arrives, online by nature (4 entries, ~80 B gzip of the worker's budget).
        globPatterns: ['**/*.{js,css,html,svg,webmanifest,ico,woff2}'],
        // The embedded mode (a frame in a clinic page, online by nature) is not precached: the worker
        // is held to its budget, and /embed.js is built after it (vite.embed.config.ts) anyway.
        // Nor are the screens that only work online (each entry costs the worker ~20 B gzip): the admin
        // console, the activation form and the statistics ask the server for everything; the web
        // manifest is added by the plugin itself.
        globIgnores: ['**/embedded-*', 'embed.js', '**/AdminConsole-*', '**/ActivationForm-*', '**/StatsPanel-*', 'manifest.webmanifest'],
        rollupFormat: 'es',
        // vite-plugin-pwa types these as Rollup's options; Vite 8 builds the worker with Rolldown, which takes them.
        rollupOptions: { treeshake: TREESHAKE as object },
        buildPlugins: { rollup: [terserPass() as never] },
      },
      manifest: {
        id: '/',
        name: 'Relais — messagerie clinique',
        short_name: 'Relais',
        description: 'Messagerie et appels vidéo sécurisés pour les équipes de soins, même hors ligne.',
        lang: 'fr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0b5d7a',
        background_color: '#f4f7f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: true, type: 'module' },
    }),
  ],
  resolve: {
    // Dexie's own modern build (same version, same API, same source; its maintainer points to it
    // for size in dexie/Dexie.js#1582): classes, arrows, `?.`, where the default ES module build is
    // transpiled to ES5 (`__extends`, `__assign`, `function` everywhere). Only the worker imports
    // Dexie. Measured on the same build, gzip -9 of dist/sw.js: 61,255 B with dexie/dist/dexie.mjs,
    // 59,820 B with this one (−1,435 B).
    alias: [{ find: /^dexie$/, replacement: 'dexie/dist/modern/dexie.mjs' }],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // No <link rel="modulepreload"> inserted before each on-demand chunk (their CSS still is): the
    // helper's DOM work ran on the main thread during start-up (~45 ms at 4× CPU before the list
    // painted, docs/PERFORMANCE.md); the chunks' own imports come from the worker's precache.
    modulePreload: false,
    // The same second pass over the app's chunks: the app shell is held to 30 KB gzip (DESIGN.md).
    rolldownOptions: { treeshake: TREESHAKE, plugins: [terserPass()], output: { codeSplitting: { groups: [SHELL_CHUNK] } } },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
