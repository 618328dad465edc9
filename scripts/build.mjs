// Bundles the CLI (dist/cli.js) and every GitHub action (actions/<name>/dist/index.js) with esbuild,
// so that the CLI starts fast and the actions run on a runner without `npm install`.
import { build } from "esbuild";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { precompiledSchemasPlugin } from "./precompile-schemas.mjs";

// Bundled CommonJS dependencies call require(); give them one inside the ES module bundle.
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
// The schemas compiled to code once here (see src/schema/precompiled.ts), not at every start.
const precompiledSchemas = precompiledSchemasPlugin(process.cwd());
const common = { bundle: true, platform: "node", target: "node20", format: "esm", banner, sourcemap: false, logLevel: "warning", plugins: [precompiledSchemas] };

const entries = [{ in: "src/cli/main.ts", out: "dist/cli.js" }];
if (existsSync("actions")) {
  for (const name of readdirSync("actions")) {
    const entry = join("actions", name, "src", "main.ts");
    // Action bundles are committed (a runner runs them without npm install): minified to keep them small.
    if (existsSync(entry)) entries.push({ in: entry, out: join("actions", name, "dist", "index.js"), minify: true });
  }
}
await Promise.all(entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out, minify: e.minify ?? false })));
console.log(`built ${entries.map((e) => e.out).join(", ")}`);
