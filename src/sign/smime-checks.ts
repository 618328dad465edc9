// Pure checks before an S/MIME signature of a HEPiX list: HEPiX consumers (vmcatcher, cloudkeeper,
// atrope) accept a list only when the signer certificate's subject and issuer equal the list's
// hv:endorser/hv:x509 hv:dn and hv:ca, and the certificate is valid when they verify it.
import type { Diagnostic } from "../util/diagnostic.js";

/** Subject and issuer in OpenSSL's one-line form ("/DC=org/DC=example/CN=Jane Doe"), as HEPiX lists use. */
export interface CertNames {
  subject: string;
  issuer: string;
}

export interface CertValidity {
  notBefore: Date;
  notAfter: Date;
}

const X509_FIELD = "/hv:imagelist/hv:endorser/hv:x509";

/** The hv:dn / hv:ca a HEPiX list claims for its signer, or a diagnostic saying what is missing. */
export function listEndorser(file: string, list: unknown): { dn: string; ca: string } | Diagnostic {
  const problem = (field: string, message: string): Diagnostic => ({ file, line: 0, column: 0, field, message, rule: "smime.list" });
  const root = isObject(list) ? list["hv:imagelist"] : undefined;
  if (!isObject(root)) return problem("/hv:imagelist", "not a HEPiX image list (no hv:imagelist object)");
  const endorser = root["hv:endorser"];
  const x509 = isObject(endorser) ? endorser["hv:x509"] : undefined;
  if (!isObject(x509)) return problem(X509_FIELD, "missing: the list names no X.509 endorser");
  const dn = x509["hv:dn"];
  const ca = x509["hv:ca"];
  const hint = "set x509: {dn, ca} for an endorser in the VO's endorsements/<vo>/vo.yaml and compose again";
  if (typeof dn !== "string" || dn === "") return problem(`${X509_FIELD}/hv:dn`, `empty: the list names no certificate subject; ${hint}`);
  if (typeof ca !== "string" || ca === "") return problem(`${X509_FIELD}/hv:ca`, `empty: the list names no certificate issuer; ${hint}`);
  return { dn, ca };
}

/** Diagnostics (on the list file) for each of subject/issuer that differs from the list's claim. */
export function endorserMismatches(file: string, claimed: { dn: string; ca: string }, cert: CertNames, certFile: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (field: string, message: string) => out.push({ file, line: 0, column: 0, field: `${X509_FIELD}/${field}`, message, rule: "smime.endorser-mismatch" });
  if (claimed.dn !== cert.subject) at("hv:dn", `"${claimed.dn}" differs from the subject of ${certFile}, "${cert.subject}"; consumers would reject the signature`);
  if (claimed.ca !== cert.issuer) at("hv:ca", `"${claimed.ca}" differs from the issuer of ${certFile}, "${cert.issuer}"; consumers would reject the signature`);
  return out;
}

/** Why the certificate cannot sign at `now` (expired or not yet valid), or undefined. */
export function validityProblem(v: CertValidity, now: Date): string | undefined {
  if (now.getTime() > v.notAfter.getTime()) return `certificate expired on ${iso(v.notAfter)} (now ${iso(now)})`;
  if (now.getTime() < v.notBefore.getTime()) return `certificate not valid before ${iso(v.notBefore)} (now ${iso(now)})`;
  return undefined;
}

/** A warning when sites would stop accepting the list before it expires, because the certificate expires first. */
export function expiresBeforeList(v: CertValidity, list: unknown): string | undefined {
  const root = isObject(list) ? list["hv:imagelist"] : undefined;
  const expires = isObject(root) && typeof root["dc:date:expires"] === "string" ? new Date(root["dc:date:expires"]) : undefined;
  if (!expires || Number.isNaN(expires.getTime()) || v.notAfter.getTime() >= expires.getTime()) return undefined;
  return `the certificate expires on ${iso(v.notAfter)}, before the list (${iso(expires)}): sites cannot verify the list after that`;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
