// The egi.debian.12 image, built once with the real CLI (`vmendorse build`) and shared by every e2e test
// (build, boot, scan). Cached under .vmendorse/cache/debian-image/<key>/, where the key is the hash of
// image.yaml and of the builder's code plus the day (the version is the build date, and a day-old
// image may miss security updates). A lock file keeps two test processes from building at once.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import type { ImageSpec, ReleaseRecord } from "../../src/model/types.js";

export const PROJECT = join(import.meta.dirname, "..", "..");
export const APPLIANCE = "egi.debian.12";
const CACHE = join(PROJECT, ".vmendorse", "cache");
const DATA = ["vmendorse.yaml", "images", "endorsements", "revocations", "schemas"];

export interface DebianImage {
  /** Folder of the build outputs (qcow2, ova, packages.tsv, cdx.json). */
  dir: string;
  /** The repository copy the build ran in (its build record is in there). */
  repo: string;
  spec: ImageSpec;
  record: ReleaseRecord;
  recordFile: string;
  qcow2: string;
  ova: string;
  packages: string;
  sbom: string;
  /** The build's stdout (summary with sizes) and stderr (progress). */
  stdout: string;
  stderr: string;
  /** True when an earlier test run built it today. */
  fromCache: boolean;
}

function hashFiles(h: ReturnType<typeof createHash>, dir: string): void {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) hashFiles(h, p);
    else h.update(relative(PROJECT, p)).update(readFileSync(p));
  }
}

export function cacheKey(day = new Date()): string {
  const h = createHash("sha256");
  h.update(readFileSync(join(PROJECT, "images", APPLIANCE, "image.yaml")));
  hashFiles(h, join(PROJECT, "src", "build"));
  return `${day.toISOString().slice(0, 10).replace(/-/g, "")}-${h.digest("hex").slice(0, 16)}`;
}

function load(dir: string, fromCache: boolean): DebianImage {
  const meta = JSON.parse(readFileSync(join(dir, "build.json"), "utf8")) as { recordFile: string; stdout: string; stderr: string };
  const repo = join(dir, "repo");
  const record = parse(readFileSync(join(repo, meta.recordFile), "utf8")) as ReleaseRecord;
  const spec = parse(readFileSync(join(repo, "images", APPLIANCE, "image.yaml"), "utf8")) as ImageSpec;
  const out = join(dir, "out");
  const file = (format: string) => join(out, record.artifacts.find((a) => a.format === format)!.file);
  return {
    dir: out, repo, spec, record, recordFile: join(repo, meta.recordFile),
    qcow2: file("qcow2"), ova: file("ova"), packages: join(out, record.packages.manifest), sbom: join(out, record.sbom.file),
    stdout: meta.stdout, stderr: meta.stderr, fromCache,
  };
}

async function waitForLock(lock: string): Promise<() => void> {
  for (let i = 0; ; i++) {
    try {
      const fd = openSync(lock, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch {
      // Held by another process; take it over when that process is gone.
      if (!holderAlive(lock)) rmSync(lock, { force: true });
      if (i % 30 === 0) process.stderr.write(`waiting for another test process building the image (${lock})\n`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function holderAlive(lock: string): boolean {
  try {
    const text = readFileSync(lock, "utf8").trim();
    if (text === "") return Date.now() - statSync(lock).mtimeMs < 10_000; // just created, pid not yet written
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

let memo: Promise<DebianImage> | undefined;

/** The built image (building it if today's cache has none); progress goes to stderr. */
export function debianImage(): Promise<DebianImage> {
  memo ??= buildOrReuse();
  return memo;
}

async function buildOrReuse(): Promise<DebianImage> {
  const base = join(CACHE, "debian-image");
  mkdirSync(base, { recursive: true });
  const key = cacheKey();
  const dir = join(base, key);
  const release = await waitForLock(join(base, "lock"));
  try {
    if (existsSync(join(dir, "build.json"))) return load(dir, true);
    // Older entries are stale (other day or other builder code): free their space first.
    for (const n of readdirSync(base)) if (n !== "lock" && n !== key) rmSync(join(base, n), { recursive: true, force: true });
    const tmp = `${dir}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const repo = join(tmp, "repo");
    for (const d of DATA) cpSync(join(PROJECT, d), join(repo, d), { recursive: true });
    // The CLI as a user runs it: the bundle, rebuilt so that it matches the sources under test.
    execFileSync(process.execPath, [join(PROJECT, "scripts", "build.mjs")], { cwd: PROJECT, stdio: "ignore" });
    const args = [join(PROJECT, "bin", "vmendorse.js"), "build", APPLIANCE, "--root", repo, "--out", join(tmp, "out"), "--deb-cache", join(CACHE, "debs")];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolveRun) => {
      const child = spawn(process.execPath, args, { cwd: PROJECT, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString();
        process.stderr.write(c);
      });
      child.on("close", (c) => resolveRun({ code: c ?? -1, stdout: out, stderr: err }));
    });
    if (code !== 0) throw new Error(`vmendorse build exited ${code}:\n${stderr.split("\n").slice(-30).join("\n")}`);
    const recordFile = /build record: (\S+)/.exec(stdout)?.[1];
    if (!recordFile) throw new Error(`vmendorse build did not name its build record:\n${stdout}`);
    writeFileSync(join(tmp, "build.json"), JSON.stringify({ recordFile, stdout, stderr }, null, 2));
    renameSync(tmp, dir);
    return load(dir, false);
  } finally {
    release();
  }
}
