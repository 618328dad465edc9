// Publishing a disk image of realistic size (default 400 MiB, BENCH_PUBLISH_MB to change): push to a
// local docker-registry with read-back, then the same to a folder, then the idempotent rerun of both.
// Target: the rerun (nothing to upload) takes under 5 % of the first run for the registry.
import { register } from "tsx/esm/api";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

register();
const { publishReleaseToOci } = await import("../src/publish/oci/publish.ts");
const { publishReleaseToDir } = await import("../src/publish/dir.ts");
const { digestFile } = await import("../src/util/digest.ts");

const mb = Number(process.env.BENCH_PUBLISH_MB ?? 400);
const dir = mkdtempSync(join(tmpdir(), "vmendorse-bench-publish-"));
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/registry\nhttp:\n  addr: 127.0.0.1:${port}\n`);
const registry = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
try {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v2/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const disk = join(dir, "debian-12-20261120.qcow2");
  const fd = openSync(disk, "w");
  const block = randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < mb / 8; i++) writeSync(fd, block.map((b, j) => (j === 0 ? i & 0xff : b)));
  closeSync(fd);
  const sbom = join(dir, "debian-12-20261120.cdx.json");
  writeFileSync(sbom, '{"bomFormat":"CycloneDX","specVersion":"1.5"}\n');
  const t0 = performance.now();
  const d = await digestFile(disk);
  const hashMs = performance.now() - t0;
  const s = await digestFile(sbom);
  const plan = {
    appliance: "egi.debian.12",
    version: "20261120",
    file: "images/egi.debian.12/releases/20261120.yaml",
    release: { built_at: "2026-11-20T03:00:00Z", source: { commit: "0123456789abcdef0123456789abcdef01234567" } },
    image: { title: "EGI Debian 12", description: "bench", os: { family: "linux", distribution: "debian", version: "12", arch: "x86_64", admin_user: "debian" } },
    files: [
      { role: "disk", name: "debian-12-20261120.qcow2", path: disk, ...d, mediaType: "application/x-qemu-disk", format: "qcow2" },
      { role: "sbom", name: "debian-12-20261120.cdx.json", path: sbom, ...s, mediaType: "application/vnd.cyclonedx+json" },
    ],
  };
  const ctx = () => ({ retry: { attempts: 3, baseMs: 100, maxMs: 1000 }, progress: () => {}, env: {}, outcomes: [] });
  const time = async (fn) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const target = { kind: "oci", registry: `127.0.0.1:${port}`, namespace: "bench", scheme: "http" };
  const ociFirst = await time(() => publishReleaseToOci(plan, target, "https://example.org", ctx()));
  const ociAgain = await time(() => publishReleaseToOci(plan, target, "https://example.org", ctx()));
  const dirTarget = { kind: "dir", path: join(dir, "repository") };
  const dirFirst = await time(() => publishReleaseToDir(plan, dirTarget, ctx()));
  const dirAgain = await time(() => publishReleaseToDir(plan, dirTarget, ctx()));
  const rate = (ms) => `${((mb / ms) * 1000).toFixed(0)} MiB/s`;
  console.log(`publish bench: ${mb} MiB qcow2 (hashing SHA-256+SHA-512 once: ${hashMs.toFixed(0)} ms, ${rate(hashMs)})`);
  console.log(`  OCI registry: first push + read-back ${ociFirst.toFixed(0)} ms (${rate(ociFirst)}); rerun ${ociAgain.toFixed(0)} ms`);
  console.log(`  folder:       first copy + read-back ${dirFirst.toFixed(0)} ms (${rate(dirFirst)}); rerun ${dirAgain.toFixed(0)} ms (re-hashes the published file)`);
  const ok = ociAgain < 0.05 * ociFirst;
  console.log(`  target: registry rerun < 5 % of the first push: ${ok ? "met" : "NOT met"} (${((ociAgain / ociFirst) * 100).toFixed(1)} %)`);
  process.exitCode = ok ? 0 : 1;
} finally {
  registry.kill("SIGTERM");
  await new Promise((r) => registry.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
