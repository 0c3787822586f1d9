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

// `vite build --mode e2e` is the browser tests' build: it writes to dist-e2e/ and keeps
// the test hooks (see src/whiteboard/testHook.ts), which every other build drops.
const E2E_MODE = "e2e";

export default defineConfig(({ mode }) => ({
  base: "/static/",
  plugins: [react(), selfHostedFonts()],
  build: {
    outDir: mode === E2E_MODE ? "dist-e2e" : "dist",
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
}));
