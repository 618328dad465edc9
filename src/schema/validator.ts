// JSON Schema (2020-12) validation with ajv, turning ajv errors into file:line:column diagnostics.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { Diagnostic } from "../util/diagnostic.js";
import type { YamlFile } from "../repo/yaml-file.js";
import { SCHEMAS } from "./schemas.js";
import { PRECOMPILED } from "./precompiled.js";
import AJV_OPTIONS from "./ajv-options.json" with { type: "json" };
import { describeChar, firstNonAscii } from "../repo/text-checks.js";

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (!ajv) {
    // Options shared with the build's precompilation (ajv-options.json); strictRequired is off because
    // "required" inside if/then names properties defined at the top level.
    ajv = new Ajv2020(AJV_OPTIONS);
    // ajv-formats is CommonJS: under Node's ESM interop its function is the module's .default.
    ajvFormats.default(ajv);
    for (const [name, schema] of Object.entries(SCHEMAS)) ajv.addSchema(schema, name);
  }
  return ajv;
}

export function validatorFor(schemaFile: string): ValidateFunction {
  let v = compiled.get(schemaFile) ?? PRECOMPILED?.[schemaFile];
  if (!v) {
    const id = (SCHEMAS[schemaFile] as { $id?: string } | undefined)?.$id;
    if (!id) throw new Error(`unknown schema ${schemaFile}`);
    const fn: ValidateFunction = instance().getSchema(id) ?? instance().compile(SCHEMAS[schemaFile]!);
    compiled.set(schemaFile, fn);
    return fn;
  }
  return v;
}

/** Validate plain data (e.g. a generated image list); returns messages with field paths. */
export function validateData(schemaFile: string, data: unknown, displayPath: string): Diagnostic[] {
  const v = validatorFor(schemaFile);
  if (v(data)) return [];
  return simplify(v.errors ?? []).map((e) => ({ file: displayPath, line: 0, column: 0, field: e.instancePath, message: describe(e), rule: "schema" }));
}

/** Validate a parsed YAML file; diagnostics point at the offending field's line and column. */
export function validateYaml(schemaFile: string, yf: YamlFile): Diagnostic[] {
  const v = validatorFor(schemaFile);
  if (v(yf.data)) return [];
  return simplify(v.errors ?? []).map((e) => {
    const field = e.keyword === "additionalProperties" ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}` : e.instancePath;
    const pos = yf.locate(field);
    return { file: yf.file, line: pos.line, column: pos.column, field, message: describe(e, valueAt(yf.data, e.instancePath)), rule: "schema" };
  });
}

// oneOf/if-then produce a cascade of sub-errors; keep the specific ones a person can act on.
function simplify(errors: ErrorObject[]): ErrorObject[] {
  // A oneOf branch told apart by a constant (e.g. builder.type) that did not match is not what the
  // author meant: its other errors are noise, unless no branch matched at all.
  const wrongBranches = new Set<string>();
  for (const e of errors) {
    const m = /^(.*\/oneOf\/\d+)\/properties\/[^/]+\/(const|enum)$/.exec(e.schemaPath);
    if (m) wrongBranches.add(m[1]!);
  }
  const inWrongBranch = (e: ErrorObject) => [...wrongBranches].some((b) => e.schemaPath.startsWith(`${b}/`));
  const isSpecific = (e: ErrorObject) => !["oneOf", "anyOf", "if", "allOf"].includes(e.keyword);
  const meant = errors.filter((e) => isSpecific(e) && !inWrongBranch(e));
  const specific = meant.length > 0 ? meant : errors.filter(isSpecific);
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  return chosen.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The value at a JSON pointer, for messages. */
function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const part of pointer.split("/").slice(1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return v;
}

const quote = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

function describe(e: ErrorObject, value?: unknown): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === "pattern" && typeof value === "string") {
    const other = firstNonAscii(value);
    if (other) return `${quote(value)} has the non-ASCII character ${describeChar(other.codePoint)} at position ${other.index + 1}: names must be plain ASCII (look-alike names are refused)`;
    const traversal = value.includes("..") || value.startsWith("/") || value.includes("\\") ? " (path traversal is refused)" : "";
    return `${quote(value)} does not match the required pattern ${String(p.pattern)}${traversal}`;
  }
  switch (e.keyword) {
    case "additionalProperties":
      return `unknown field "${String(p.additionalProperty)}"`;
    case "required":
      return `missing required field "${String(p.missingProperty)}"`;
    case "type":
      return `must be of type ${String(p.type)}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case "pattern":
      return `does not match the required pattern ${String(p.pattern)}`;
    case "format":
      return `is not a valid ${String(p.format)}`;
    default:
      return e.message ?? e.keyword;
  }
}
