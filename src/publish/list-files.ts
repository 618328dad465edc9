// The signed list as composed and signed in a folder: imagelist.json, its Sigstore bundle, the per-VO
// HEPiX lists (hepix/*.imagelist.json) and the reports to attach (reports/*). Read and checked before
// anything is published: the list matches its schema, the bundle signs exactly these bytes (and, with a
// public key, verifies), names are safe to use as file names and release asset names.
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImageList } from "../model/types.js";
import { fileError, InvalidInputError, RefusedError } from "../util/diagnostic.js";
import { validateData } from "../schema/validator.js";
import { readBundle } from "../sign/bundle-file.js";
import { verifySignature, type Trust } from "../verify/signature.js";
import { digestBuffer, type Digests } from "../util/digest.js";
import { SMIME_SUFFIX } from "../sign/smime.js";
import { signedText } from "../sign/smime-content.js";

export const LIST_NAME = "imagelist.json";
export const BUNDLE_NAME = "imagelist.json.sigstore.json";
export const HEPIX_SUBDIR = "hepix";
export const REPORTS_SUBDIR = "reports";
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export interface ListFile extends Digests {
  /** Path below the list folder, with "/" ("hepix/biomed.imagelist.json"). */
  rel: string;
  /** Flat name (release asset name). */
  name: string;
  bytes: Buffer;
  kind: "list" | "bundle" | "hepix" | "report";
}

export interface ListSet {
  dir: string;
  list: ImageList;
  serial: number;
  /** In publication order: reports, HEPiX lists, the bundle, and imagelist.json last. */
  files: ListFile[];
}

function readFlat(dir: string, sub: string, kind: "hepix" | "report", filter: (n: string) => boolean): ListFile[] {
  const abs = join(dir, sub);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .sort()
    .filter((n) => !n.startsWith(".") && filter(n))
    .map((n) => {
      const st = lstatSync(join(abs, n));
      if (!st.isFile()) throw fileError(join(abs, n), "not a regular file (links and folders are not published)", "publish.list");
      if (!SAFE_NAME.test(n)) throw fileError(join(abs, n), "unsafe file name for publishing", "publish.list");
      const bytes = readFileSync(join(abs, n));
      return { rel: `${sub}/${n}`, name: n, bytes, kind, ...digestBuffer(bytes) };
    });
}

export function readListSet(dir: string, trust?: Trust): ListSet {
  const listPath = join(dir, LIST_NAME);
  const bundlePath = join(dir, BUNDLE_NAME);
  if (!existsSync(listPath)) throw fileError(listPath, "no imagelist.json here (run `vmendorse compose` first)", "publish.list");
  if (!existsSync(bundlePath)) throw fileError(bundlePath, "the list is not signed (run `vmendorse sign` first); an unsigned list is never published", "publish.unsigned");
  const listBytes = readFileSync(listPath);
  let list: ImageList;
  try {
    list = JSON.parse(listBytes.toString("utf8")) as ImageList;
  } catch (e) {
    throw fileError(listPath, `not JSON (${(e as Error).message})`, "publish.list");
  }
  const problems = validateData("imagelist.schema.json", list, listPath);
  if (problems.length > 0) throw new InvalidInputError(problems);

  const bundle = readBundle(bundlePath);
  const listDigests = digestBuffer(listBytes);
  if (trust) verifySignature(bundle, listBytes, trust, bundlePath);
  else if (bundle.content.$case === "messageSignature") {
    const md = bundle.content.messageSignature.messageDigest;
    if (md && Buffer.from(md.digest).toString("hex") !== listDigests.sha256) {
      throw new RefusedError(`${bundlePath}: the bundle signs other bytes than ${listPath} (re-sign after composing)`, "publish.bundle");
    }
  }
  const bundleBytes = readFileSync(bundlePath);
  const files: ListFile[] = [
    ...readFlat(dir, REPORTS_SUBDIR, "report", () => true),
    ...checkSmimeFresh(dir, readFlat(dir, HEPIX_SUBDIR, "hepix", (n) => n.endsWith(".imagelist.json") || n.endsWith(`.imagelist.json${SMIME_SUFFIX}`))),
    { rel: BUNDLE_NAME, name: BUNDLE_NAME, bytes: bundleBytes, kind: "bundle", ...digestBuffer(bundleBytes) },
    { rel: LIST_NAME, name: LIST_NAME, bytes: listBytes, kind: "list", ...listDigests },
  ];
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.name);
    if (other) throw fileError(join(dir, f.rel), `same name as ${other}; release assets need distinct names`, "publish.list");
    seen.set(f.name, f.rel);
  }
  return { dir, list, serial: list.serial, files };
}

/** Each hepix/<vo>.imagelist.json.smime (legacy S/MIME signature) must sign the HEPiX list next to it. */
function checkSmimeFresh(dir: string, files: ListFile[]): ListFile[] {
  for (const f of files.filter((x) => x.name.endsWith(SMIME_SUFFIX))) {
    const list = files.find((x) => x.name === f.name.slice(0, -SMIME_SUFFIX.length));
    if (!list) throw fileError(join(dir, f.rel), "S/MIME signature without its HEPiX list", "publish.smime");
    if (signedText(f.bytes.toString("utf8")) !== list.bytes.toString("utf8")) {
      throw new RefusedError(`${join(dir, f.rel)}: the S/MIME signature is stale, it signs other content than ${join(dir, list.rel)} (sign again after composing)`, "publish.smime");
    }
  }
  return files;
}

/** The serial of a published imagelist.json, if its bytes parse. */
export function serialOf(bytes: Buffer): number | undefined {
  try {
    const s = (JSON.parse(bytes.toString("utf8")) as { serial?: unknown }).serial;
    return typeof s === "number" && Number.isSafeInteger(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Refuses to replace a published list with an older one, or with other bytes under the same serial. */
export function checkNotRollback(where: string, published: Buffer | undefined, set: ListSet): "same" | "newer" {
  if (!published) return "newer";
  const prev = serialOf(published);
  const ours = set.files.find((f) => f.kind === "list")!;
  if (prev === undefined) return "newer";
  if (prev > set.serial) throw new RefusedError(`${where} already has list serial ${prev}, newer than this list's ${set.serial}; refusing to roll it back`, "publish.rollback");
  if (prev === set.serial) {
    if (published.equals(ours.bytes)) return "same";
    throw new RefusedError(`${where} already has a different list with serial ${prev}; a serial is published once (compose again for a new serial)`, "publish.serial");
  }
  return "newer";
}
