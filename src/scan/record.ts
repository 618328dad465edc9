// Writes a scan's summary into the release record (images/<appliance>/releases/<version>.yaml, field
// `scan`), keeping the file's comments and layout; the result is checked against the release schema
// before it replaces the file.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { ScanSummary } from "../model/types.js";
import { releaseFile } from "../repo/layout.js";
import { parseYamlText } from "../repo/yaml-file.js";
import { validateYaml } from "../schema/validator.js";
import { InvalidInputError, RefusedError } from "../util/diagnostic.js";
import { writeFileAtomic } from "../util/fs.js";

export function recordScanSummary(root: string, appliance: string, version: string, summary: ScanSummary): string {
  const rel = releaseFile(appliance, version);
  const abs = join(root, rel);
  if (!existsSync(abs)) throw new RefusedError(`${rel} does not exist: build the release before recording its scan`);
  const doc = parseDocument(readFileSync(abs, "utf8"));
  if (doc.errors.length > 0) throw new RefusedError(`${rel}: ${doc.errors[0]!.message}`);
  doc.set("scan", doc.createNode(summary));
  const text = doc.toString({ lineWidth: 0 });
  const parsed = parseYamlText(Buffer.from(text), rel);
  if (!parsed.ok) throw new InvalidInputError(parsed.diagnostics);
  const errors = validateYaml("release.schema.json", parsed.value);
  if (errors.length > 0) throw new InvalidInputError(errors);
  const recorded = parsed.value.data as { appliance?: string; version?: string };
  if (recorded.appliance !== appliance || recorded.version !== version) throw new RefusedError(`${rel} is the record of ${recorded.appliance}@${recorded.version}, not ${appliance}@${version}`);
  writeFileAtomic(abs, text);
  return rel;
}
