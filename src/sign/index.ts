// `vmendorse sign FILE`: a standard Sigstore bundle (message signature over the file) next to the file.
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { MessageSignatureBundleBuilder, type Signer, type Witness } from "@sigstore/sign";
import { bundleToJSON } from "@sigstore/bundle";
import { writeFileAtomic, toJsonText } from "../util/fs.js";
import { fileError, RefusedError } from "../util/diagnostic.js";
import { describeError } from "../util/describe-error.js";
import { loadOrCreateKey } from "./local-key.js";
import { keylessSigner, type KeylessOptions } from "./signers.js";
import { localKeySigner, rekorWitness } from "./signers.js";
import { bundlePathFor } from "./bundle-file.js";

export type SignMode = { kind: "key"; keyFile: string; create: boolean; rekorURL?: string } | ({ kind: "keyless" } & KeylessOptions);

export interface SignResult {
  file: string;
  bundleFile: string;
  mode: "key" | "keyless";
  /** The key file (key mode) or the certificate's identity (keyless). */
  signer: string;
  keyCreated?: boolean;
  publicKeyFile?: string;
}

export async function signFile(file: string, mode: SignMode, bundleFile = bundlePathFor(file)): Promise<SignResult> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw fileError(file, `cannot read the file to sign (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let signer: Signer;
  let witnesses: Witness[] = [];
  let result: Omit<SignResult, "signer"> & { signer?: string };
  if (mode.kind === "key") {
    const key = loadOrCreateKey(mode.keyFile, mode.create);
    signer = localKeySigner(key);
    // With a Rekor URL the key signature is also logged (as cosign does), giving it a trusted timestamp.
    if (mode.rekorURL) witnesses = [rekorWitness(mode.rekorURL)];
    result = { file, bundleFile, mode: "key", signer: key.file, keyCreated: key.created, publicKeyFile: `${key.file}.pub` };
  } else {
    ({ signer, witnesses } = keylessSigner(mode));
    result = { file, bundleFile, mode: "keyless" };
  }
  let bundle;
  try {
    bundle = await new MessageSignatureBundleBuilder({ signer, witnesses }).create({ data });
  } catch (e) {
    throw new RefusedError(`${file}: signing failed (${mode.kind}): ${describeError(e)}`, "sign.failed");
  }
  writeFileAtomic(bundleFile, toJsonText(bundleToJSON(bundle)));
  if (mode.kind === "keyless") {
    const cert = bundle.verificationMaterial.content.$case === "x509CertificateChain"
      ? bundle.verificationMaterial.content.x509CertificateChain.certificates[0]?.rawBytes
      : bundle.verificationMaterial.content.$case === "certificate" ? bundle.verificationMaterial.content.certificate.rawBytes : undefined;
    result.signer = cert ? certificateIdentity(cert) : "unknown";
  }
  return result as SignResult;
}

function certificateIdentity(der: Buffer): string {
  const c = new X509Certificate(der);
  return (c.subjectAltName ?? c.subject).replace(/^URI:/, "");
}
