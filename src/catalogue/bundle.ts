// What the catalogue says about the signature bundle: its kind and transparency-log entries, and a
// check that it signs the very bytes of the list next to it. This is no verification of the
// signature (that is `vmendorse verify`); it stops a page from naming a bundle of another list.
import { createHash, X509Certificate } from "node:crypto";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import type { BundleSummary } from "./view.js";

export type BundleCheck = { ok: true; summary: BundleSummary } | { ok: false; message: string };

const SHA2_256 = 1; // HashAlgorithm.SHA2_256 in the Sigstore protobuf specs

export function inspectBundle(bundleJson: unknown, file: string, listBytes: Uint8Array): BundleCheck {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (e) {
    return { ok: false, message: `not a Sigstore bundle: ${(e as Error).message}` };
  }
  if (bundle.content.$case === "messageSignature") {
    const d = bundle.content.messageSignature.messageDigest;
    const listSha256 = createHash("sha256").update(listBytes).digest();
    if (d.algorithm !== SHA2_256 || !Buffer.from(d.digest).equals(listSha256)) {
      return { ok: false, message: `signs a different file: its digest is not the SHA-256 of the list (${listSha256.toString("hex")})` };
    }
  }
  const m = bundle.verificationMaterial.content;
  const leaf = m.$case === "certificate" ? m.certificate.rawBytes : m.$case === "x509CertificateChain" ? m.x509CertificateChain.certificates[0]?.rawBytes : undefined;
  let certificateIdentity: string | undefined;
  if (leaf) {
    try {
      certificateIdentity = sanIdentity(new X509Certificate(Buffer.from(leaf)).subjectAltName ?? "");
    } catch (e) {
      return { ok: false, message: `its certificate cannot be read: ${(e as Error).message}` };
    }
  }
  return {
    ok: true,
    summary: {
      file,
      mediaType: bundle.mediaType,
      material: leaf ? "certificate" : "public key",
      ...(m.$case === "publicKey" && m.publicKey.hint ? { keyHint: m.publicKey.hint } : {}),
      ...(certificateIdentity ? { certificateIdentity } : {}),
      logIndexes: bundle.verificationMaterial.tlogEntries.map((t) => t.logIndex),
    },
  };
}

/** The identity a Fulcio certificate is issued to: its first URI (workflow) or e-mail SAN entry. */
export function sanIdentity(san: string): string | undefined {
  const m = /(?:^|, )(?:URI|email):([^,]+)/.exec(san);
  return m?.[1];
}
