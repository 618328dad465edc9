// S/MIME (PKCS#7, `openssl smime -sign`) signatures of HEPiX image lists for legacy consumers
// (vmcatcher, cloudkeeper, atrope), which accept nothing else. The output FILE.smime is the
// multipart/signed message those tools read: detached signature, content in canonical (CRLF) text form,
// exactly as hepixvmitrust writes it.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileError, InvalidInputError, RefusedError } from "../util/diagnostic.js";
import { writeFileAtomic } from "../util/fs.js";
import { certificateNames, openssl, OpensslError } from "./openssl.js";
import { endorserMismatches, expiresBeforeList, listEndorser, validityProblem } from "./smime-checks.js";

export const SMIME_SUFFIX = ".smime";
/** Environment variable holding the passphrase of an encrypted endorser key (never a command-line argument). */
export const PASSPHRASE_ENV = "VMENDORSE_SMIME_PASSPHRASE";
const MAX_LIST_BYTES = 64 * 1024 * 1024;

export interface SmimeSignOptions {
  certFile: string;
  keyFile: string;
  /** Intermediate CA certificates (PEM) to include in the signature. */
  chainFile?: string;
  passphrase?: string;
  now?: Date;
  out?: string;
}

export interface SmimeSignResult {
  file: string;
  smimeFile: string;
  subject: string;
  issuer: string;
  notAfter: string;
  warnings: string[];
}

export function smimePathFor(file: string): string {
  return file + SMIME_SUFFIX;
}

export async function signSmime(file: string, opts: SmimeSignOptions): Promise<SmimeSignResult> {
  const now = opts.now ?? new Date();
  const list = parseJson(file, readInput(file, "the list to sign"));
  const claimed = listEndorser(file, list);
  if ("rule" in claimed) throw new InvalidInputError([claimed]);

  const cert = readCertificate(opts.certFile);
  const validity = { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
  const invalid = validityProblem(validity, now);
  if (invalid) throw fileError(opts.certFile, invalid, "smime.cert-validity");
  const names = await certificateNames(opts.certFile).catch((e: Error) => { throw fileError(opts.certFile, e.message, "smime.cert"); });
  const mismatches = endorserMismatches(file, claimed, names, opts.certFile);
  if (mismatches.length > 0) throw new InvalidInputError(mismatches);

  const key = readKey(opts.keyFile, opts.passphrase);
  if (!cert.checkPrivateKey(key)) throw fileError(opts.keyFile, `this key does not belong to the certificate ${opts.certFile}`, "smime.key");
  if (opts.chainFile) readInput(opts.chainFile, "the certificate chain");

  const args = ["smime", "-sign", "-md", "sha256", "-in", file, "-signer", opts.certFile, "-inkey", opts.keyFile, "-outform", "SMIME"];
  if (opts.chainFile) args.push("-certfile", opts.chainFile);
  const env: Record<string, string> = {};
  if (opts.passphrase !== undefined) {
    args.push("-passin", `env:${PASSPHRASE_ENV}`);
    env[PASSPHRASE_ENV] = opts.passphrase;
  }
  let signed: string;
  try {
    signed = await openssl(args, env);
  } catch (e) {
    throw new RefusedError(`${file}: S/MIME signing failed: ${(e as Error).message}`, "smime.sign-failed");
  }
  const smimeFile = opts.out ?? smimePathFor(file);
  writeFileAtomic(smimeFile, signed);
  const warnings = [expiresBeforeList(validity, list)].filter((w): w is string => w !== undefined);
  return { file, smimeFile, subject: names.subject, issuer: names.issuer, notAfter: validity.notAfter.toISOString(), warnings };
}

export interface SmimeVerifyOptions {
  /** Trusted CAs: a PEM bundle and/or a hashed directory (e.g. /etc/grid-security/certificates). */
  caFile?: string;
  caPath?: string;
  /** Check the certificate chain at this time instead of now (openssl -attime). */
  at?: Date;
  /** Also require the signer to equal the list's hv:dn / hv:ca, as consumers do (default true). */
  checkEndorser?: boolean;
}

export interface SmimeVerifyResult {
  subject: string;
  issuer: string;
  /** The signed content exactly as openssl outputs it (canonical text: CRLF line ends). */
  content: Buffer;
  /** The content with LF line ends, i.e. the list file as composed. */
  text: string;
}

/** Verifies FILE.smime as a consumer does: `openssl smime -verify -CAfile ...`, then the signer's names. */
export async function verifySmime(smimeFile: string, opts: SmimeVerifyOptions): Promise<SmimeVerifyResult> {
  if (!opts.caFile && !opts.caPath) throw new RefusedError("S/MIME verification needs trusted CAs (a CA file or directory)", "smime.no-ca");
  readInput(smimeFile, "the S/MIME file");
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-smime-"));
  try {
    const out = join(dir, "content");
    const signer = join(dir, "signer.pem");
    const args = ["smime", "-verify", "-in", smimeFile, "-inform", "SMIME", "-out", out, "-signer", signer];
    if (opts.caFile) args.push("-CAfile", opts.caFile);
    if (opts.caPath) args.push("-CApath", opts.caPath);
    if (opts.at) args.push("-attime", String(Math.floor(opts.at.getTime() / 1000)));
    try {
      await openssl(args);
    } catch (e) {
      const detail = e instanceof OpensslError ? e.message.replace(/^openssl smime failed: /, "") : (e as Error).message;
      throw new RefusedError(`${smimeFile}: S/MIME verification failed: ${detail}`, "smime.verify-failed");
    }
    const names = await certificateNames(signer);
    const content = readFileSync(out);
    const text = content.toString("utf8").replace(/\r\n/g, "\n");
    if (opts.checkEndorser !== false) {
      const list = parseJson(smimeFile, text);
      const claimed = listEndorser(smimeFile, list);
      if ("rule" in claimed) throw new InvalidInputError([claimed]);
      const mismatches = endorserMismatches(smimeFile, claimed, names, "the signer certificate");
      if (mismatches.length > 0) throw new InvalidInputError(mismatches);
    }
    return { ...names, content, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readInput(file: string, what: string): string {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > MAX_LIST_BYTES) throw fileError(file, `${what} is larger than ${MAX_LIST_BYTES} bytes`);
    text = buf.toString("utf8");
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw fileError(file, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return text;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fileError(file, `not JSON (${(e as Error).message})`, "smime.list");
  }
}

function readCertificate(file: string): X509Certificate {
  const pem = readInput(file, "the certificate");
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw fileError(file, `not a PEM X.509 certificate (${(e as Error).message})`, "smime.cert");
  }
}

function readKey(file: string, passphrase: string | undefined): KeyObject {
  const pem = readInput(file, "the private key");
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem } : { key: pem, passphrase });
  } catch (e) {
    if (!/ENCRYPTED/.test(pem)) throw fileError(file, `not a PEM private key (${(e as Error).message})`, "smime.key");
    throw fileError(file, passphrase === undefined
      ? `the private key is encrypted: give its passphrase in the environment variable ${PASSPHRASE_ENV}`
      : `cannot decrypt the private key with the passphrase from ${PASSPHRASE_ENV} (wrong passphrase?)`, "smime.key");
  }
}
