import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { DIVISION_CODE_PATTERN } from './geodata/codes.js'

// The web UI lives in web/; `npm run build` writes web/dist, which the Express app serves.
// `npm run dev` runs this dev server with /api proxied to the API on PORT (default 3000).
export default defineConfig({
  root: 'web',
  plugins: [
    svelte(),
    // The prefetch script in index.html runs before any module: it gets the code pattern written in.
    { name: 'division-code-pattern', transformIndexHtml: (html) => html.replaceAll('%DIVISION_CODE_PATTERN%', DIVISION_CODE_PATTERN) },
  ],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { port: 5173, proxy: { '/api': `http://localhost:${process.env.PORT ?? 3000}` } },
})
