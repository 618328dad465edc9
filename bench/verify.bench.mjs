// Compose, sign and verify the generated repository (1,000 appliances, 100 VOs, 10,000 endorsements), as
// the release job and then a site would. Target: a site's verify under 200 ms (in process: read, signature,
// schema, freshness, rollback, VO); also sign time and the CLI end to end (Node start-up included).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_NOW, benchRepository, busy, importSrc, isMain, machine, ms, printFigures, repeat, repeatCli, verdict, wallAndCpu, time } from "./lib.mjs";

export const TARGET_MS = 200;

export async function benchVerify({ root, runs = 11, cliRuns = 3 }) {
  const { validateRepository, composeRepository, signFile, loadOrCreateKey, readPublicKey, verifyListFile } = await importSrc(
    "validate/index.ts", "compose/index.ts", "sign/index.ts", "sign/local-key.ts", "verify/index.ts",
  );
  const now = Date.parse(BENCH_NOW);
  const out = mkdtempSync(join(tmpdir(), "vmendorse-bench-verify-"));
  try {
    const { repo, diagnostics } = validateRepository(root, now);
    if (diagnostics.length > 0) throw new Error(`the benchmark repository is not valid: ${diagnostics[0].message}`);
    const composed = time(() => composeRepository({ root, outDir: out, now, validated: repo }));
    const list = composed.result.list;
    const listFile = join(out, "imagelist.json");
    const keyFile = join(out, "keys", "signing.key");
    loadOrCreateKey(keyFile, true);
    const t0 = performance.now();
    const signed = await signFile(listFile, { kind: "key", keyFile, create: false });
    const signMs = performance.now() - t0;
    const trust = { kind: "key", keyFile: `${keyFile}.pub`, publicKey: readPublicKey(`${keyFile}.pub`) };
    const vo = Object.keys(list.vos)[42];
    const verify = () => verifyListFile({ listFile, bundleFile: signed.bundleFile, trust, now, vo });
    const first = time(verify);
    const rest = repeat(runs, verify);
    const cli = repeatCli(cliRuns, ["verify", "--list", listFile, "--key", `${keyFile}.pub`, "--vo", vo, "--now", BENCH_NOW]);
    const entries = Object.values(list.vos).reduce((n, v) => n + v.images.length, 0);
    printFigures(`compose + sign + verify on ${machine()}\n${entries} list entries in ${Object.keys(list.vos).length} VOs, ${list.revoked.length} revoked; imagelist.json ${(statSync(listFile).size / 1024 / 1024).toFixed(1)} MiB`, [
      ["compose after validate", wallAndCpu({ median: composed.ms, cpu: composed.cpuMs }), "one run"],
      ["sign (local P-256 key)", ms(signMs), "one run"],
      ["verify, first run", wallAndCpu({ median: first.ms, cpu: first.cpuMs }), "includes schema compilation"],
      ["verify", wallAndCpu(rest), `median of ${runs} more, VO ${vo}`],
      ["vmendorse verify (CLI)", wallAndCpu(cli), `median of ${cliRuns}, end to end`],
    ]);
    console.log(`  target under ${ms(TARGET_MS)}, verify: ${verdict(rest, TARGET_MS)}`);
    const met = rest.median < TARGET_MS || (busy() && rest.cpu < TARGET_MS);
    return { figures: { composeMs: composed.ms, signMs, verifyFirstMs: first.ms, verifyMs: rest.median, verifyCpuMs: rest.cpu, cliMs: cli.median }, met };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (isMain(import.meta)) {
  const { root, cleanup } = benchRepository();
  try {
    const { met } = await benchVerify({ root });
    if (!met && process.argv.includes("--strict")) process.exitCode = 1;
  } finally {
    cleanup();
  }
}
