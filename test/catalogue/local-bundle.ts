// A real Sigstore bundle (message signature) made with a throw-away ECDSA P-256 key, and a real check
// of that signature with node:crypto, for tests that need a signed list before `vmendorse sign` runs.
import { generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { MessageSignatureBundleBuilder } from "@sigstore/sign";
import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";

export interface LocalSigned {
  bundle: SerializedBundle;
  publicKey: KeyObject;
  /** Checks the bundle's signature over `data` with the public key. */
  check(data: Buffer): boolean;
}

export async function signLocally(data: Buffer, hint = "test-key"): Promise<LocalSigned> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const signer = { sign: async (d: Buffer) => ({ signature: sign("sha256", d, privateKey), key: { $case: "publicKey" as const, publicKey: pem, hint } }) };
  const bundle = bundleToJSON(await new MessageSignatureBundleBuilder({ signer, witnesses: [] }).create({ data }));
  const sig = bundle.messageSignature?.signature ?? "";
  return { bundle, publicKey, check: (d) => verify("sha256", d, publicKey, Buffer.from(sig, "base64")) };
}
