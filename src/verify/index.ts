// `vmendorse verify`: everything a site checks before it trusts a list, in order — signature over the
// exact bytes and the signer, then schema, freshness, rollback and VO; the state file moves forward only
// after all of that passed; then, optionally, the images are downloaded and checked while streaming.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { fileError, RefusedError } from "../util/diagnostic.js";
import { isoSeconds } from "../util/time.js";
import type { Bundle } from "@sigstore/bundle";
import { HashAlgorithm } from "@sigstore/protobuf-specs";
import { readBundle } from "../sign/bundle-file.js";
import { verifySignature, type SignerInfo, type Trust } from "./signature.js";
import { checkList, parseList, type ListCheckResult } from "./list-checks.js";
import { readState, writeState } from "./state.js";
import { downloadArtifact, type DownloadResult } from "./download.js";

export const MAX_LIST_BYTES = 64 * 1024 * 1024;

export interface VerifyOptions {
  listFile: string;
  bundleFile: string;
  trust: Trust;
  now: number;
  vo?: string;
  stateFile?: string;
  downloadDir?: string;
  /** Only artifacts of these formats are downloaded (default: all). */
  formats?: string[];
  progress?: (line: string) => void;
}

export interface VerifyReport {
  signer: SignerInfo;
  checked: ListCheckResult;
  previousSerial?: number;
  downloads: DownloadResult[];
}

export function readListBytes(file: string): Buffer {
  try {
    const size = statSync(file).size;
    if (size > MAX_LIST_BYTES) throw new RefusedError(`${file}: ${size} bytes, above the ${MAX_LIST_BYTES}-byte limit for a list`, "list.size");
    return readFileSync(file);
  } catch (e) {
    if (e instanceof RefusedError) throw e;
    throw fileError(file, `cannot read the list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Signature and list checks only (no I/O besides reading the two files and the state). */
export function verifyListFile(opts: Omit<VerifyOptions, "downloadDir" | "progress">): Omit<VerifyReport, "downloads"> & { sha256: string } {
  const bytes = readListBytes(opts.listFile);
  const bundle = readBundle(opts.bundleFile);
  const signer = verifySignature(bundle, bytes, opts.trust, opts.bundleFile);
  const list = parseList(bytes.toString("utf8"), opts.listFile, opts.vo);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const stated = statedDigest(bundle);
  if (stated !== undefined && stated !== sha256) {
    throw new RefusedError(`${opts.bundleFile}: the bundle's message digest is not the SHA-256 of ${opts.listFile}`, "signature.digest");
  }
  const seen = opts.stateFile ? readState(opts.stateFile) : undefined;
  const checked = checkList(list, opts.listFile, { now: opts.now, ...(opts.vo !== undefined ? { vo: opts.vo } : {}), ...(seen ? { seen } : {}), listSha256: sha256 });
  return { signer, checked, sha256, ...(seen ? { previousSerial: seen.serial } : {}) };
}

// The SHA-256 a message-signature bundle states for the signed bytes. Signature checks use the bytes
// themselves; a bundle stating another digest is malformed or tampered with, so it is refused too.
function statedDigest(bundle: Bundle): string | undefined {
  const c = bundle.content;
  return c.$case === "messageSignature" && c.messageSignature.messageDigest?.algorithm === HashAlgorithm.SHA2_256
    ? c.messageSignature.messageDigest.digest.toString("hex")
    : undefined;
}

export async function verifyList(opts: VerifyOptions): Promise<VerifyReport> {
  const progress = opts.progress ?? (() => {});
  const r = verifyListFile(opts);
  const { list } = r.checked;
  if (opts.stateFile) {
    writeState(opts.stateFile, { identifier: list.identifier, serial: list.serial, issued: list.issued, sha256: r.sha256, accepted_at: isoSeconds(opts.now) });
  }
  const downloads: DownloadResult[] = [];
  if (opts.downloadDir) {
    const artifacts = r.checked.entries.flatMap((e) => e.artifacts.filter((a) => !opts.formats || opts.formats.includes(a.format)));
    const unique = [...new Map(artifacts.map((a) => [a.sha512, a])).values()];
    for (const [i, a] of unique.entries()) {
      progress(`[${i + 1}/${unique.length}] ${a.uri}`);
      downloads.push(await downloadArtifact(a, opts.downloadDir, progress));
    }
  }
  return { signer: r.signer, checked: r.checked, ...(r.previousSerial !== undefined ? { previousSerial: r.previousSerial } : {}), downloads };
}
