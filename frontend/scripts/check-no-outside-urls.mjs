#!/usr/bin/env node
// Fails the build if a built script still names a CDN the room would fetch from.
// Usage: node check-no-outside-urls.mjs [outDir]   (outDir defaults to dist)
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const CDN = /https:\/\/(esm\.sh|unpkg\.com|cdn\.jsdelivr\.net|fonts\.googleapis\.com|fonts\.gstatic\.com)\//;
const outDir = process.argv[2] ?? "dist";
const dir = new URL(`../${outDir}/assets/`, import.meta.url).pathname;
const offenders = [];
for (const name of await readdir(dir)) {
  if (!name.endsWith(".js") && !name.endsWith(".css")) continue;
  const text = await readFile(join(dir, name), "utf8");
  const hit = text.match(CDN);
  if (hit) offenders.push(`${name}: ${hit[0]}`);
}
if (offenders.length) {
  console.error(`Built assets reference outside hosts:\n  ${offenders.join("\n  ")}`);
  process.exit(1);
}
console.log(`No CDN URLs in ${outDir}/assets.`);
