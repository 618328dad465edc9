// Streaming SHA-512 check (what `verify --download` does while an image arrives) against `sha512sum` on a
// 1 GiB file. Target: at least 90 % of sha512sum's throughput. Set BENCH_SHA512_MB to change the size.
import { register } from "tsx/esm/api";
import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

register();
const { downloadArtifact } = await import("../src/verify/download.ts");
const { sha512File } = await import("../src/util/digest.ts");

const mb = Number(process.env.BENCH_SHA512_MB ?? 1024);
const dir = mkdtempSync(join(tmpdir(), "vmendorse-bench-sha512-"));
const file = join(dir, "image.raw");
try {
  const fd = openSync(file, "w");
  const block = randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < mb / 8; i++) writeSync(fd, block.map((b, j) => (j === 0 ? i & 0xff : b)));
  closeSync(fd);
  const bytes = mb * 1024 * 1024;
  execFileSync("sha512sum", [file]); // warm the page cache for both contenders

  const best = (runs, fn) => {
    let min = Infinity;
    let out;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = fn();
      min = Math.min(min, performance.now() - t0);
    }
    return { ms: min, out };
  };
  const bestAsync = async (runs, fn) => {
    let min = Infinity;
    let out;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      out = await fn();
      min = Math.min(min, performance.now() - t0);
    }
    return { ms: min, out };
  };
  const sum = best(3, () => execFileSync("sha512sum", [file], { encoding: "utf8" }).split(" ")[0]);
  const ours = await bestAsync(3, () => sha512File(file));
  if (ours.out.sha512 !== sum.out) throw new Error("digests differ");
  const dl = await bestAsync(2, async () => {
    rmSync(join(dir, "out"), { recursive: true, force: true });
    return downloadArtifact({ uri: pathToFileURL(file).href, sha512: sum.out, size: bytes }, join(dir, "out"));
  });
  const mbps = (ms) => (bytes / 1024 / 1024 / (ms / 1000)).toFixed(0);
  const ratio = sum.ms / ours.ms;
  console.log(`sha512 streaming check, ${mb} MiB file (best of 3):`);
  console.log(`  sha512sum                         ${mbps(sum.ms).padStart(6)} MiB/s  (${sum.ms.toFixed(0)} ms)`);
  console.log(`  vmendorse streaming check         ${mbps(ours.ms).padStart(6)} MiB/s  (${ours.ms.toFixed(0)} ms)  = ${(ratio * 100).toFixed(0)} % of sha512sum (target >= 90 %) ${ratio >= 0.9 ? "OK" : "MISSED"}`);
  console.log(`  verify --download (hash + write)  ${mbps(dl.ms).padStart(6)} MiB/s  (${dl.ms.toFixed(0)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
