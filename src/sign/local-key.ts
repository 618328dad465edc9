// The local signing key: an ECDSA P-256 key created on first use in an ignored folder (.vmendorse/keys),
// used by `npm start` and tests. In CI the list is signed keyless instead (see keyless.ts).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../util/fs.js";
import { fileError } from "../util/diagnostic.js";

export const DEFAULT_KEY_DIR = join(".vmendorse", "keys");
export const DEFAULT_KEY_FILE = "signing.key";

export interface LocalKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** Key hint stored in the bundle: hex SHA-256 of the DER public key (SPKI). */
  hint: string;
  file: string;
  created: boolean;
}

export function keyHint(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** Loads the PEM private key at `file`, creating a new P-256 key (and FILE.pub) when `create` and absent. */
export function loadOrCreateKey(file: string, create: boolean): LocalKey {
  let created = false;
  if (!existsSync(file)) {
    if (!create) throw fileError(file, `signing key not found`);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
    writeFileAtomic(`${file}.pub`, createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString());
    created = true;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw fileError(file, `not a PEM private key (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw fileError(file, `the signing key must be ECDSA P-256, found ${privateKey.asymmetricKeyType} ${privateKey.asymmetricKeyDetails?.namedCurve ?? ""}`.trim());
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), hint: keyHint(publicKey), file, created };
}

/** Reads a PEM public key (a site's trust anchor for key-signed lists). */
export function readPublicKey(file: string): KeyObject {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (e) {
    throw fileError(file, `cannot read the public key (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw fileError(file, `not a PEM public key (${(e as Error).message})`);
  }
}
