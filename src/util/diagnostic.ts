// A problem found in an input file, with everything a person needs to fix it.
export interface Diagnostic {
  /** Path of the file, relative to the repository root when there is one. */
  file: string;
  /** 1-based line and column; 0 when the problem concerns the file as a whole. */
  line: number;
  column: number;
  /** JSON-pointer-like path of the field, e.g. "/endorsers/0/email"; "" for the whole document. */
  field: string;
  message: string;
  /** Short machine-readable rule id, e.g. "schema", "yaml", "cross.endorser-unknown". */
  rule: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.field ? ` ${d.field}:` : "";
  return printable(`${where}:${field} ${d.message} [${d.rule}]`);
}

/**
 * Escapes control, bidirectional and invisible characters: file names and values come from the
 * input, and a newline in one could forge further output lines (e.g. CI workflow commands).
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message));
}

/** An error that carries diagnostics; the CLI prints them and exits 1. */
export class InvalidInputError extends Error {
  constructor(readonly diagnostics: Diagnostic[], message?: string) {
    super(message ?? diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "InvalidInputError";
  }
}

/** A refusal (verification failed, publish refused): exit 1 with a reason. */
export class RefusedError extends Error {
  constructor(message: string, readonly code: string = "refused") {
    super(message);
    this.name = "RefusedError";
  }
}

/** Wrong command-line usage: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A single problem with a whole file (or one field of it), e.g. an unreadable key or bundle. */
export function fileError(file: string, message: string, rule = "input", field = ""): InvalidInputError {
  return new InvalidInputError([{ file, line: 0, column: 0, field, message, rule }]);
}
