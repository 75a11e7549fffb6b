// `npm ci && npm run build` writes the page to ../api/static, which the Python package ships
// and `alliancegraph serve` mounts at `/`. Every asset is bundled: nothing loads from a CDN.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs, so the page also works behind a proxy under a sub-path.
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../api/static", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` proxies the API to a running `alliancegraph serve --dev`.
    proxy: { "/graphql": "http://127.0.0.1:8000" },
  },
});
