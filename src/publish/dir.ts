// Appliance repository in a local folder (the default; a web server may serve it). Layout:
//   <dir>/<appliance>/<file>             artifacts, SBOM, package list, scan report (immutable)
//   <dir>/imagelist.json(.sigstore.json)  the signed list; <dir>/hepix/, <dir>/reports/
// Each file is copied to a hidden temporary sibling, flushed, hashed again from disk (read back) and
// renamed into place: a reader sees the old file or the complete new one, never a part.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { RefusedError } from "../util/diagnostic.js";
import { digestFile } from "../util/digest.js";
import { record, type PublishContext } from "./context.js";
import type { ReleasePlan } from "./plan.js";
import { checkNotRollback, LIST_NAME, type ListSet } from "./list-files.js";
import { describeTarget, type Target } from "./targets.js";

type DirTarget = Extract<Target, { kind: "dir" }>;

interface Source {
  path?: string;
  bytes?: Buffer;
  sha512: string;
  size: number;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes temporaries a crashed run left next to `target`. */
function removeStale(target: string): void {
  const dir = dirname(target);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(target)}.`;
  for (const n of readdirSync(dir)) if (n.startsWith(prefix) && n.endsWith(".partial")) rmSync(join(dir, n), { force: true });
}

/**
 * Places one file; "present" when an identical file is there. An existing file with other content is
 * refused when `immutable` (published artifacts never change under the same name).
 */
export async function placeFile(target: string, src: Source, immutable: boolean, where: string): Promise<"uploaded" | "present"> {
  removeStale(target);
  if (existsSync(target)) {
    const have = await digestFile(target);
    if (have.sha512 === src.sha512 && have.size === src.size) return "present";
    if (immutable) throw new RefusedError(`${where}: ${target} exists with other content (SHA-512 ${have.sha512.slice(0, 16)}…); published artifacts are immutable — build a new version`, "publish.immutable");
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.partial`);
  try {
    if (src.path) copyFileSync(src.path, tmp);
    else writeFileSync(tmp, src.bytes!);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const back = await digestFile(tmp);
    if (back.sha512 !== src.sha512 || back.size !== src.size) throw new RefusedError(`${where}: ${tmp} read back with SHA-512 ${back.sha512.slice(0, 16)}…, expected ${src.sha512.slice(0, 16)}…`, "publish.readback");
    renameSync(tmp, target);
    fsyncDir(dirname(target));
    return "uploaded";
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function publishReleaseToDir(plan: ReleasePlan, target: DirTarget, ctx: PublishContext): Promise<void> {
  const where = describeTarget(target);
  for (const f of plan.files) {
    const action = await placeFile(join(target.path, plan.appliance, f.name), f, true, where);
    record(ctx, { target: where, item: `${plan.appliance}/${f.name}`, action, detail: action === "uploaded" ? `${f.size} bytes, read back` : undefined });
  }
}

export async function publishListToDir(set: ListSet, target: DirTarget, ctx: PublishContext): Promise<void> {
  const where = describeTarget(target);
  const current = join(target.path, LIST_NAME);
  const state = checkNotRollback(where, existsSync(current) ? readFileSync(current) : undefined, set);
  for (const f of set.files) {
    // With the same serial already published, only missing companions are added (a rerun after a crash).
    const action = await placeFile(join(target.path, f.rel), { bytes: f.bytes, sha512: f.sha512, size: f.size }, false, where);
    record(ctx, { target: where, item: f.rel, action, detail: f.kind === "list" ? `serial ${set.serial}${state === "same" ? ", already published" : ""}` : undefined });
  }
}
