// Validation of a whole repository (implemented in the following commits).
import type { Diagnostic } from "../util/diagnostic.js";

export interface ValidationResult {
  diagnostics: Diagnostic[];
  counts: Record<string, number>;
}

export async function validateRepository(_root: string): Promise<ValidationResult> {
  return { diagnostics: [], counts: {} };
}
