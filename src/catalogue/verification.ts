// The verification result the generator may be given. Two shapes are read:
// - what `vmendorse verify --json` prints: {"ok": true, "list": {identifier, serial, ...}, "signer":
//   {kind, identity, issuer?}, ...} or {"ok": false, "code", "reason"};
// - a short form: {"verified": boolean, "reason"?, "identity"?, "issuer"?, "checked_at"?}.
// A result that names a list (identifier, serial) must name the list the page shows.
import type { Diagnostic } from "../util/diagnostic.js";
import type { VerificationResult } from "./view.js";

const TEXT_FIELDS = ["reason", "identity", "issuer", "checked_at"] as const;
const MAX_TEXT = 4000;

type Parsed = { ok: true; result: VerificationResult } | { ok: false; diagnostics: Diagnostic[] };

export function parseVerification(value: unknown, file: string, list?: { identifier: string; serial: number }): Parsed {
  const problem = (field: string, message: string): Diagnostic => ({ file, line: 0, column: 0, field, message, rule: "verify-result" });
  if (!isObject(value)) return { ok: false, diagnostics: [problem("", "must be a JSON object")] };
  const diagnostics: Diagnostic[] = [];
  const text = (o: Record<string, unknown>, k: string, at: string): string | undefined => {
    if (o[k] === undefined || o[k] === null) return undefined;
    if (typeof o[k] === "string" && (o[k] as string).length <= MAX_TEXT) return o[k] as string;
    diagnostics.push(problem(`${at}/${k}`, `must be a string of at most ${MAX_TEXT} characters`));
    return undefined;
  };

  const result: VerificationResult = { verified: false };
  if ("verified" in value) {
    if (typeof value.verified !== "boolean") diagnostics.push(problem("/verified", "must be true or false"));
    else result.verified = value.verified;
    for (const k of TEXT_FIELDS) {
      const t = text(value, k, "");
      if (t !== undefined) result[k] = t;
    }
  } else if ("ok" in value) {
    // `vmendorse verify --json`
    if (typeof value.ok !== "boolean") diagnostics.push(problem("/ok", "must be true or false"));
    else result.verified = value.ok;
    const reason = text(value, "reason", "");
    if (reason !== undefined) result.reason = reason;
    if (value.signer !== undefined) {
      if (!isObject(value.signer)) diagnostics.push(problem("/signer", "must be an object"));
      else {
        const identity = text(value.signer, "identity", "/signer");
        const issuer = text(value.signer, "issuer", "/signer");
        if (identity !== undefined) result.identity = value.signer.kind === "key" ? `key ${identity}` : identity;
        if (issuer !== undefined) result.issuer = issuer;
      }
    }
    if (list && isObject(value.list)) {
      const l = value.list;
      if (l.identifier !== list.identifier || l.serial !== list.serial) {
        diagnostics.push(problem("/list", `is the result for list ${String(l.identifier)} serial ${String(l.serial)}, not for ${list.identifier} serial ${list.serial}`));
      }
    }
  } else {
    diagnostics.push(problem("", 'needs "verified" (true or false), or "ok" as printed by `vmendorse verify --json`'));
  }
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, result };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
