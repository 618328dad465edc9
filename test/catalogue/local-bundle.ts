// Real Sigstore bundles (message signature) for tests that need a signed list before `vmendorse sign`
// exists on this branch: signed with a throw-away ECDSA P-256 key, either as a bare public key or
// inside a self-signed certificate (made by openssl) whose SAN names a signer identity, shaped like a
// Fulcio certificate. `check` really verifies the bundle's signature with node:crypto.
import { createPrivateKey, generateKeyPairSync, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageSignatureBundleBuilder, type Signature } from "@sigstore/sign";
import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";

export interface LocalSigned {
  bundle: SerializedBundle;
  /** Checks the bundle's signature over `data`. */
  check(data: Buffer): boolean;
}

export async function signLocally(data: Buffer, opts: { hint?: string; certificateFor?: string } = {}): Promise<LocalSigned> {
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  let key: Signature["key"];
  if (opts.certificateFor) {
    const dir = mkdtempSync(join(tmpdir(), "vmendorse-cert-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
        "-subj", "/O=sigstore.dev", "-addext", `subjectAltName=URI:${opts.certificateFor}`,
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "pipe" });
      privateKey = createPrivateKey(readFileSync(join(dir, "key.pem")));
      const pem = readFileSync(join(dir, "cert.pem"), "utf8");
      publicKey = new X509Certificate(pem).publicKey;
      key = { $case: "x509Certificate", certificate: pem };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    ({ privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" }));
    key = { $case: "publicKey", publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(), ...(opts.hint ? { hint: opts.hint } : {}) };
  }
  const signer = { sign: async (d: Buffer) => ({ signature: sign("sha256", d, privateKey), key }) };
  const bundle = bundleToJSON(await new MessageSignatureBundleBuilder({ signer, witnesses: [] }).create({ data }));
  const sig = Buffer.from(bundle.messageSignature?.signature ?? "", "base64");
  return { bundle, check: (d) => verify("sha256", d, publicKey, sig) };
}
