import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse, parseNow } from "../args.js";
import { validateRepository } from "../../validate/index.js";
import { formatDiagnostic, UsageError } from "../../util/diagnostic.js";

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export const validateCommand: Command = {
  name: "validate",
  summary: "check every YAML file: syntax, schema, cross-file rules (exit 1 listing all problems)",
  usage: "vmendorse validate [--root DIR] [--now ISO] [--json]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, now: { type: "string" }, json: { type: "boolean" } });
    const root = resolve(io.cwd, values.root ?? ".");
    if (!isDirectory(root)) throw new UsageError(`--root: ${root} is not a directory`);
    const { diagnostics, counts } = validateRepository(root, parseNow(values.now).getTime());
    if (values.json) io.out(JSON.stringify({ valid: diagnostics.length === 0, counts, diagnostics }, null, 2));
    else {
      for (const d of diagnostics) io.err(formatDiagnostic(d));
      const summary = `${counts.images} images, ${counts.releases} releases, ${counts.vos} VOs, ${counts.endorsements} endorsements, ${counts.revocations} revocations`;
      io.out(diagnostics.length === 0 ? `valid: ${summary}` : `invalid: ${diagnostics.length} problem(s) in ${root}`);
    }
    return diagnostics.length === 0 ? 0 : 1;
  },
};
