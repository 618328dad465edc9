// A site's verification of a large list: 10,000 endorsements over 100 VOs (the size of the generated
// benchmark repository), signed with a local key. Target: verify under 200 ms (in-process: read, signature,
// schema, freshness, rollback, VO). Also prints sign time and the CLI end to end (includes Node start-up).
import { register } from "tsx/esm/api";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

register();
const { signFile } = await import("../src/sign/index.ts");
const { loadOrCreateKey, readPublicKey } = await import("../src/sign/local-key.ts");
const { verifyListFile } = await import("../src/verify/index.ts");
const { toJsonText } = await import("../src/util/fs.ts");

const ENDORSEMENTS = Number(process.env.BENCH_ENDORSEMENTS ?? 10_000);
const VOS = 100;
const now = Date.parse("2026-11-23T12:00:00Z");
const hex = (s, n) => createHash("sha512").update(s).digest("hex").slice(0, n);

function bigList() {
  const vos = {};
  for (let v = 0; v < VOS; v++) vos[`vo${String(v).padStart(3, "0")}.example.org`] = { images: [] };
  const names = Object.keys(vos);
  for (let i = 0; i < ENDORSEMENTS; i++) {
    const app = `bench.app${String(i % 1000).padStart(4, "0")}`;
    vos[names[i % VOS]].images.push({
      appliance: app,
      version: "20261117",
      title: `Benchmark appliance ${i % 1000}`,
      type: "vo",
      os: { distribution: "debian", version: "12", arch: "x86_64", admin_user: "debian" },
      artifacts: [{ format: "qcow2", uri: `https://appliances.example.org/${app}/debian-12-20261117.qcow2`, sha512: hex(app, 128), size: 734003200 }],
      built_at: "2026-11-17T03:00:00Z",
      endorser: { id: `e${i % 300}`, name: `Endorser ${i % 300}`, email: `e${i % 300}@example.org` },
      endorsed_at: "2026-11-18T10:00:00Z",
      expires_at: "2027-02-16T10:00:00Z",
      provenance: { source: "git", commit: hex(String(i), 40), author: `e${i % 300}@example.org` },
      sbom: { sha512: hex(`sbom${app}`, 128) },
    });
  }
  return {
    format: "vmendorse-imagelist/1",
    identifier: "6f1c2b0e-9a4d-4c1e-8f3b-2d7a5e9c1b40",
    serial: 1795424333,
    issued: "2026-11-23T08:00:00Z",
    expires: "2026-11-30T08:00:00Z",
    source: { repository: "https://github.com/egi-federation/vmendorse" },
    vos,
    revoked: [],
  };
}

const dir = mkdtempSync(join(tmpdir(), "vmendorse-bench-verify-"));
try {
  const listFile = join(dir, "imagelist.json");
  const text = toJsonText(bigList());
  writeFileSync(listFile, text);
  const keyFile = join(dir, "signing.key");
  loadOrCreateKey(keyFile, true);
  let t0 = performance.now();
  const signed = await signFile(listFile, { kind: "key", keyFile, create: false });
  const signMs = performance.now() - t0;
  const trust = { kind: "key", keyFile: `${keyFile}.pub`, publicKey: readPublicKey(`${keyFile}.pub`) };
  const times = [];
  let entries = 0;
  for (let i = 0; i < 12; i++) {
    t0 = performance.now();
    const r = verifyListFile({ listFile, bundleFile: signed.bundleFile, trust, now, vo: "vo042.example.org" });
    times.push(performance.now() - t0);
    entries = r.checked.list.vos["vo042.example.org"].images.length;
  }
  const first = times[0];
  const median = times.slice(1).sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)];
  t0 = performance.now();
  execFileSync(process.execPath, [join(import.meta.dirname, "..", "bin", "vmendorse.js"), "verify", "--list", listFile, "--key", `${keyFile}.pub`, "--vo", "vo042.example.org", "--now", "2026-11-23T12:00:00Z"]);
  const cliMs = performance.now() - t0;
  console.log(`verify: list of ${ENDORSEMENTS} endorsements in ${VOS} VOs, ${(text.length / 1024 / 1024).toFixed(1)} MiB (${entries} for the VO checked)`);
  console.log(`  sign (local key)              ${signMs.toFixed(0).padStart(6)} ms`);
  console.log(`  verify, first run             ${first.toFixed(0).padStart(6)} ms  (includes schema compilation)`);
  console.log(`  verify, median of 11 more     ${median.toFixed(0).padStart(6)} ms  (target < 200 ms) ${median < 200 ? "OK" : "MISSED"}`);
  console.log(`  vmendorse verify CLI, total   ${cliMs.toFixed(0).padStart(6)} ms  (Node start-up and module loading included)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
