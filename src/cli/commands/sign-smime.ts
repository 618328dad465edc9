// The S/MIME mode of `vmendorse sign` (--smime-cert/--smime-key): a legacy PKCS#7 signature of a HEPiX
// list for vmcatcher/cloudkeeper/atrope sites, written as FILE.smime; no Sigstore bundle in this mode.
import { relative, resolve } from "node:path";
import type { Io } from "../command.js";
import { UsageError } from "../../util/diagnostic.js";
import { PASSPHRASE_ENV, signSmime } from "../../sign/smime.js";

export const SMIME_OPTIONS = {
  "smime-cert": { type: "string" },
  "smime-key": { type: "string" },
  "smime-chain": { type: "string" },
} as const;

export interface SmimeValues {
  "smime-cert"?: string | undefined;
  "smime-key"?: string | undefined;
  "smime-chain"?: string | undefined;
}

export function wantsSmime(v: SmimeValues): boolean {
  return v["smime-cert"] !== undefined || v["smime-key"] !== undefined || v["smime-chain"] !== undefined;
}

export async function runSmimeSign(file: string, v: SmimeValues & { json?: boolean | undefined }, sigstoreFlags: string[], io: Io): Promise<number> {
  if (sigstoreFlags.length > 0) throw new UsageError(`--smime-cert/--smime-key sign with S/MIME only; drop ${sigstoreFlags.join(", ")}`);
  if (!v["smime-cert"] || !v["smime-key"]) throw new UsageError("S/MIME signing needs both --smime-cert CERT and --smime-key KEY");
  const passphrase = io.env[PASSPHRASE_ENV];
  const r = await signSmime(file, {
    certFile: resolve(io.cwd, v["smime-cert"]),
    keyFile: resolve(io.cwd, v["smime-key"]),
    ...(v["smime-chain"] ? { chainFile: resolve(io.cwd, v["smime-chain"]) } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
  if (v.json) {
    io.out(JSON.stringify(r, null, 2));
    return 0;
  }
  const rel = (p: string) => relative(io.cwd, p) || p;
  for (const w of r.warnings) io.err(`warning: ${w}`);
  io.out(`signed ${rel(r.file)} -> ${rel(r.smimeFile)} (S/MIME as ${r.subject}, issued by ${r.issuer})`);
  return 0;
}
