import { defineConfig, type Plugin } from "vite";
import preact from "@preact/preset-vite";
import { VitePWA } from "vite-plugin-pwa";
import { readFileSync } from "node:fs";

const relais = process.env["RELAIS_URL"] ?? "http://127.0.0.1:8080";
const version = (JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string }).version;

/**
 * Drops the custom sections (function names, producers) from the Automerge
 * WASM: 690 KB less to download and store, nothing lost at run time.
 */
function stripWasmCustomSections(): Plugin {
  return {
    name: "relais-strip-wasm-custom-sections",
    apply: "build",
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== "asset" || !asset.fileName.endsWith(".wasm") || typeof asset.source === "string") continue;
        const input = asset.source;
        const parts: Uint8Array[] = [input.subarray(0, 8)];
        let pos = 8;
        while (pos < input.length) {
          const start = pos;
          const id = input[pos++] ?? 0;
          let size = 0;
          let shift = 0;
          let byte = 0;
          do {
            byte = input[pos++] ?? 0;
            size |= (byte & 0x7f) << shift;
            shift += 7;
          } while (byte & 0x80);
          const end = pos + (size >>> 0);
          if (id !== 0) parts.push(input.subarray(start, end));
          pos = end;
        }
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          out.set(p, at);
          at += p.length;
        }
        asset.source = out;
      }
    },
  };
}

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(version) },
  plugins: [
    preact(),
    stripWasmCustomSections(),
    VitePWA({
      registerType: "prompt",
      includeManifestIcons: false,
      injectRegister: null,
      devOptions: { enabled: false },
      manifest: {
        id: "/",
        name: "Relais",
        short_name: "Relais",
        description: "Carnet de terrain des agents communautaires : contacts, suivis, séances et sorties, même sans réseau.",
        lang: "fr",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#f6f4ef",
        theme_color: "#0b6e5f",
        categories: ["productivity", "utilities"],
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        // The plugin adds the manifest itself; icons come from the glob (includeManifestIcons off: no duplicates).
        globPatterns: ["**/*.{js,css,html,wasm,png,svg}"],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/, /^\/metrics/],
        importScripts: ["/sw-sync.js"],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: false,
      },
    }),
  ],
  build: {
    outDir: "dist",
    target: "es2022",
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { proxy: { "/api": relais, "/healthz": relais } },
  preview: { proxy: { "/api": relais, "/healthz": relais } },
});
