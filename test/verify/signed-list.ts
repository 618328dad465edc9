// Signed lists for the site-side tests: the example repository composed once, then variants (other
// serial, dates, artifacts) written and signed with a throw-away local key, as the release job would.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeRepository } from "../../src/compose/index.js";
import { signFile } from "../../src/sign/index.js";
import { loadOrCreateKey } from "../../src/sign/local-key.js";
import type { ImageList } from "../../src/model/types.js";
import { toJsonText } from "../../src/util/fs.js";
import { commitAll, copyRepo } from "../compose/repo-copy.js";

export const NOW = Date.parse("2026-11-23T12:00:00Z");

/** The example repository's list as composed at NOW. */
export function composedList(): ImageList {
  const root = copyRepo();
  commitAll(root, "initial data", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
  return structuredClone(composeRepository({ root, outDir: join(root, "out"), now: NOW }).list);
}

export interface SignedList {
  dir: string;
  listFile: string;
  bundleFile: string;
  keyFile: string;
  pubFile: string;
}

/** Writes `list` to DIR/imagelist.json and signs it with DIR/keys/signing.key (created on first use). */
export async function writeSigned(list: ImageList, dir = mkdtempSync(join(tmpdir(), "vmendorse-site-"))): Promise<SignedList> {
  const listFile = join(dir, "imagelist.json");
  writeFileSync(listFile, toJsonText(list));
  const keyFile = join(dir, "keys", "signing.key");
  loadOrCreateKey(keyFile, true);
  const r = await signFile(listFile, { kind: "key", keyFile, create: false });
  return { dir, listFile, bundleFile: r.bundleFile, keyFile, pubFile: `${keyFile}.pub` };
}
