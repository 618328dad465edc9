import { resolve } from "node:path";
import type { Command } from "../command.js";
import { parse } from "../args.js";
import { validateRepository } from "../../validate/index.js";
import { formatDiagnostic } from "../../util/diagnostic.js";

export const validateCommand: Command = {
  name: "validate",
  summary: "check every YAML file: syntax, schema, cross-file rules (exit 1 listing all problems)",
  usage: "vmendorse validate [--root DIR] [--json]",
  async run(argv, io) {
    const { values } = parse(argv, { root: { type: "string" }, json: { type: "boolean" } });
    const root = resolve(io.cwd, values.root ?? ".");
    const result = await validateRepository(root);
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else {
      for (const d of result.diagnostics) io.err(formatDiagnostic(d));
      const counts = Object.entries(result.counts).map(([k, n]) => `${n} ${k}`).join(", ");
      io.out(result.diagnostics.length === 0 ? `valid: ${counts}` : `invalid: ${result.diagnostics.length} problem(s) in ${root}`);
    }
    return result.diagnostics.length === 0 ? 0 : 1;
  },
};
