// The verification result the generator may be given (e.g. written by the release job right after
// it verified the list): {"verified": boolean, "reason"?, "identity"?, "issuer"?, "checked_at"?}.
import type { Diagnostic } from "../util/diagnostic.js";
import type { VerificationResult } from "./view.js";

const TEXT_FIELDS = ["reason", "identity", "issuer", "checked_at"] as const;

export function parseVerification(value: unknown, file: string): { ok: true; result: VerificationResult } | { ok: false; diagnostics: Diagnostic[] } {
  const problem = (field: string, message: string): Diagnostic => ({ file, line: 0, column: 0, field, message, rule: "verify-result" });
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, diagnostics: [problem("", "must be a JSON object")] };
  const o = value as Record<string, unknown>;
  const diagnostics: Diagnostic[] = [];
  if (typeof o.verified !== "boolean") diagnostics.push(problem("/verified", "must be true or false"));
  for (const k of TEXT_FIELDS) {
    if (o[k] !== undefined && (typeof o[k] !== "string" || (o[k] as string).length > 2000)) diagnostics.push(problem(`/${k}`, "must be a string of at most 2000 characters"));
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const result: VerificationResult = { verified: o.verified as boolean };
  for (const k of TEXT_FIELDS) if (typeof o[k] === "string") result[k] = o[k] as string;
  return { ok: true, result };
}
