#!/usr/bin/env node
// Copies Excalidraw's self-hosted font files into dist/excalidraw-assets/fonts/
// (or into <outDir>/excalidraw-assets/fonts/ with `node copy-excalidraw-assets.mjs <outDir>`).
//
// Excalidraw 0.18 builds each font URL as
//   new URL("./fonts/<Family>/<file>.woff2", window.EXCALIDRAW_ASSET_PATH)
// so with EXCALIDRAW_ASSET_PATH = "/static/excalidraw-assets/" the browser asks
// for /static/excalidraw-assets/fonts/<Family>/<file>.woff2. The subfolder
// layout of the package's dist/prod/fonts/ is therefore kept as-is.
import { cp, readdir, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..");
const outDir = process.argv[2] ?? "dist";
const destDir = join(projectRoot, outDir, "excalidraw-assets", "fonts");

function findSourceDir() {
  // Resolves to .../@excalidraw/excalidraw/dist/prod/index.js
  const entry = fileURLToPath(import.meta.resolve("@excalidraw/excalidraw"));
  return join(dirname(entry), "fonts");
}

async function countFiles(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    total += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return total;
}

async function main() {
  const srcDir = findSourceDir();
  const info = await stat(srcDir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new Error(`Excalidraw fonts folder not found at ${srcDir}`);
  }
  await rm(destDir, { recursive: true, force: true });
  await cp(srcDir, destDir, { recursive: true });

  const families = (await readdir(destDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files = await countFiles(destDir);
  if (families.length === 0 || files === 0) {
    throw new Error(`No fonts copied from ${srcDir}`);
  }
  console.log(
    `Copied ${files} Excalidraw font files (${families.join(", ")}) to ${relative(projectRoot, destDir)}/`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
