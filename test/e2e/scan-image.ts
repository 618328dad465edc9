// The Debian image the scan's end-to-end tests use: egi.debian.12 built by the project's own builder
// (src/build) once, into .vmendorse/cache/, in a throw-away copy of the repository data.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { buildAppliance } from "../../src/build/index.js";

const PROJECT = join(import.meta.dirname, "..", "..");

/** Path of a built egi.debian.12 qcow2 (built on first use, ~5 min; cached per image.yaml content). */
export async function builtDebianImage(): Promise<{ qcow2: string; version: string }> {
  const spec = readFileSync(join(PROJECT, "images/egi.debian.12/image.yaml"));
  const dir = join(PROJECT, ".vmendorse", "cache", `scan-e2e-image-${createHash("sha256").update(spec).digest("hex").slice(0, 12)}`);
  const done = join(dir, "built.json");
  if (existsSync(done)) return JSON.parse(readFileSync(done, "utf8")) as { qcow2: string; version: string };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), "vmendorse-e2e-repo-"));
  try {
    for (const d of ["vmendorse.yaml", "images", "endorsements", "revocations", "schemas"]) cpSync(join(PROJECT, d), join(root, d), { recursive: true });
    execFileSync("git", ["init", "-q", "-b", "main", root]);
    const r = await buildAppliance({ root, appliance: "egi.debian.12", outDir: dir, progress: (l) => process.stderr.write(`[build] ${l}\n`) });
    const qcow2 = r.files.find((f) => f.kind === "qcow2")!.path;
    const built = { qcow2, version: r.record.version };
    writeFileSync(done, JSON.stringify(built));
    return built;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
