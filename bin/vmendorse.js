#!/usr/bin/env node
// Entry point of the `vmendorse` command: runs the bundle made by `npm run build` (done by `npm ci`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("vmendorse: dist/cli.js is missing; run `npm ci` or `npm run build` first\n");
  process.exit(2);
}
const { main } = await import(bundle);
process.exitCode = await main(process.argv.slice(2));
