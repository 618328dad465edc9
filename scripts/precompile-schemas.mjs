// Generates the module that replaces src/schema/precompiled.ts in the bundles: every schema of
// schemas/ compiled to validation code by ajv (standalone), with the options the sources use.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";

export function precompiledSchemasModule(projectDir) {
  const options = JSON.parse(readFileSync(join(projectDir, "src", "schema", "ajv-options.json"), "utf8"));
  const ajv = new Ajv2020({ ...options, code: { source: true, esm: true } });
  ajvFormats.default(ajv);
  const files = readdirSync(join(projectDir, "schemas")).filter((f) => f.endsWith(".schema.json")).sort();
  const exports = {};
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(projectDir, "schemas", file), "utf8"));
    ajv.addSchema(schema, file);
    const name = `validate_${file.replace(/\.schema\.json$/, "").replace(/[^A-Za-z0-9]/g, "_")}`;
    if (schema.$id && file !== "defs.schema.json") exports[file] = { name, id: schema.$id };
  }
  const code = standaloneCode.default(ajv, Object.fromEntries(Object.values(exports).map((e) => [e.name, e.id])));
  const table = Object.entries(exports).map(([file, e]) => `  ${JSON.stringify(file)}: ${e.name},`).join("\n");
  return `${code}\nexport const PRECOMPILED = {\n${table}\n};\n`;
}

/** esbuild plugin: replaces src/schema/precompiled.ts with the generated module. */
export function precompiledSchemasPlugin(projectDir) {
  const contents = precompiledSchemasModule(projectDir);
  return {
    name: "precompiled-schemas",
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]schema[\\/]precompiled\.ts$/ }, () => ({ contents, loader: "js", resolveDir: projectDir }));
    },
  };
}
