// Checks a Sigstore bundle over the list's exact bytes: against a site's public key, or (keyless) against
// the Sigstore trust root plus the expected signer identity (certificate SAN) and OIDC issuer.
import { createHash, type KeyObject } from "node:crypto";
import type { Bundle } from "@sigstore/bundle";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { RefusedError } from "../util/diagnostic.js";
import { emptyTrustedRoot } from "./trusted-root.js";

export type Trust =
  | { kind: "key"; publicKey: KeyObject; keyFile: string }
  | { kind: "identity"; identity: string; issuer: string; trustedRoot: TrustedRoot };

export interface SignerInfo {
  kind: "key" | "keyless";
  /** Key fingerprint (hex SHA-256 of the DER public key) or the certificate's identity. */
  identity: string;
  issuer?: string;
}

export function verifySignature(bundle: Bundle, data: Buffer, trust: Trust, bundleFile: string): SignerInfo {
  const keyless = bundle.verificationMaterial.content.$case !== "publicKey";
  if (trust.kind === "key" && keyless) {
    throw new RefusedError(`${bundleFile}: the list was signed keyless (certificate), but a public key was given; verify with --identity and --issuer`, "signature.mode");
  }
  if (trust.kind === "identity" && !keyless) {
    throw new RefusedError(`${bundleFile}: the list was signed with a plain key, but an identity was required; verify with --key`, "signature.mode");
  }
  let entity;
  try {
    entity = toSignedEntity(bundle, data);
  } catch (e) {
    throw new RefusedError(`${bundleFile}: unusable bundle (${(e as Error).message})`, "signature.bundle");
  }
  try {
    if (trust.kind === "key") {
      const material = toTrustMaterial(emptyTrustedRoot(), () => ({ publicKey: trust.publicKey, validFor: () => true }));
      new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
      const der = trust.publicKey.export({ type: "spki", format: "der" });
      return { kind: "key", identity: `sha256:${createHash("sha256").update(der).digest("hex")}` };
    }
    const signer = new Verifier(toTrustMaterial(trust.trustedRoot)).verify(entity, {
      subjectAlternativeName: trust.identity,
      extensions: { issuer: trust.issuer },
    });
    return { kind: "keyless", identity: signer.identity?.subjectAlternativeName ?? trust.identity, issuer: signer.identity?.extensions?.issuer ?? trust.issuer };
  } catch (e) {
    const err = e as Error & { code?: string };
    throw new RefusedError(`${bundleFile}: signature not valid for this list and signer: ${describe(err)}`, "signature.invalid");
  }
}

// sigstore-js errors carry a code (e.g. SIGNATURE_ERROR, UNTRUSTED_SIGNER_ERROR); keep it for the reason.
function describe(e: Error & { code?: string }): string {
  return e.code ? `${e.code}: ${e.message}` : e.message;
}
