// How a site pins the list's signer — a public key, or a keyless identity and issuer — turned into the
// trust `verify` checks against. The CLI, the verify action, publish and the main job share it.
import { readPublicKey } from "../sign/local-key.js";
import { UsageError } from "../util/diagnostic.js";
import type { Trust } from "./signature.js";
import { publicGoodTrustedRoot, readTrustedRoot } from "./trusted-root.js";

export function keyTrust(keyFile: string): Trust {
  return { kind: "key", keyFile, publicKey: readPublicKey(keyFile) };
}

export interface SignerPin {
  /** Public key file (resolved path). */
  key?: string | undefined;
  identity?: string | undefined;
  issuer?: string | undefined;
  /** trusted_root.json (resolved path); default the public-good Sigstore instance through TUF. */
  trustedRoot?: string | undefined;
}

/** The trust for a pin; exactly one of key, or identity with issuer. `names` are the option names to cite. */
export async function trustFromPin(pin: SignerPin, names = { key: "--key PUB", identity: "--identity URI", issuer: "--issuer URL" }): Promise<Trust> {
  if (pin.key && (pin.identity || pin.issuer)) throw new UsageError(`give either ${names.key} or ${names.identity} with ${names.issuer}, not both`);
  if (pin.key) return keyTrust(pin.key);
  if (!(pin.identity && pin.issuer)) throw new UsageError(`the signer must be pinned: ${names.key}, or ${names.identity} with ${names.issuer}`);
  return {
    kind: "identity",
    identity: pin.identity,
    issuer: pin.issuer,
    trustedRoot: pin.trustedRoot ? readTrustedRoot(pin.trustedRoot) : await publicGoodTrustedRoot(),
  };
}
