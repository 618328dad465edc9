// Reads the diagnostics `vmendorse validate` prints ("file:line:column: /field: message [rule]").
import type { Diagnostic } from "../../src/util/diagnostic.js";

/** A diagnostic as read back from the printed line (the shape formatDiagnostic prints). */
export type PrintedDiagnostic = Diagnostic;

const LINE = /^(?<file>.+?)(?::(?<line>\d+):(?<column>\d+))?: (?:(?<field>\/\S*): )?(?<message>.*) \[(?<rule>[a-z0-9.-]+)\]$/;

/** Every non-empty line of stderr as a diagnostic; a line that is not one (e.g. a stack trace) throws. */
export function parseDiagnostics(stderr: string): PrintedDiagnostic[] {
  return stderr
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = LINE.exec(l);
      if (!m?.groups) throw new Error(`not a diagnostic line: ${JSON.stringify(l)}`);
      const g = m.groups;
      return { file: g.file!, line: Number(g.line ?? 0), column: Number(g.column ?? 0), field: g.field ?? "", message: g.message!, rule: g.rule! };
    });
}
