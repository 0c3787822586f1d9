/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { excalidrawWorkerSharedChunk } from "./build/excalidrawWorkerChunk.ts";
import { selfHostedFonts } from "./build/selfHostedFonts.ts";

// Entry points, keyed by name. Django looks them up in dist/.vite/manifest.json
// by their source path (e.g. "src/board/main.tsx"). Add more here later,
// e.g. room: "src/room/main.tsx".
const entries = {
  board: "src/board/main.tsx",
  room: "src/room/main.tsx",
  charts: "src/charts/main.ts",
};

export default defineConfig({
  base: "/static/",
  plugins: [react(), selfHostedFonts()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    // Excalidraw is large (and lazy-loads mermaid/katex chunks); don't warn.
    chunkSizeWarningLimit: 2500,
    // Vite 8 (Rolldown) name for what Vite <= 7 called `rollupOptions`;
    // the old name is still accepted as a deprecated alias.
    rolldownOptions: {
      input: entries,
      output: {
        codeSplitting: {
          groups: [{ name: excalidrawWorkerSharedChunk, debugName: "excalidraw-shared" }],
        },
      },
    },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}", "build/**/*.test.ts"],
    environment: "node",
  },
});
