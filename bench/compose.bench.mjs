// How long `compose` takes on a large repository: reading the git history, composing the lists and
// writing them (imagelist.json and one HEPiX list per VO), after validation as in the main job; and
// the built CLI end to end (which validates first). Target: compose under 2 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_NOW, benchRepository, busy, importSrc, isMain, machine, ms, printFigures, repeat, repeatCli, verdict, wallAndCpu } from "./lib.mjs";

export const TARGET_MS = 2000;

export async function benchCompose({ root, runs = 5, cliRuns = 3 }) {
  const { validateRepository, composeRepository, readHistory, composeImageList } = await importSrc("validate/index.ts", "compose/index.ts", "git/history.ts", "compose/imagelist.ts");
  const now = Date.parse(BENCH_NOW);
  const out = mkdtempSync(join(tmpdir(), "vmendorse-bench-out-"));
  try {
    const { repo, diagnostics } = validateRepository(root, now);
    if (diagnostics.length > 0) throw new Error(`the benchmark repository is not valid: ${diagnostics[0].message}`);
    const history = repeat(runs, () => readHistory(root, "endorsements"));
    const h = readHistory(root, "endorsements");
    if (h.changes.size === 0) throw new Error("no git history read: compose would take endorsement times from the YAML");
    const list = repeat(runs, () => composeImageList({ repo, history: h, now }));
    const afterValidate = repeat(runs, () => composeRepository({ root, outDir: join(out, "a"), now, validated: repo }));
    const whole = repeat(runs, () => composeRepository({ root, outDir: join(out, "b"), now }));
    const cli = repeatCli(cliRuns, ["compose", "--root", root, "--out", join(out, "c"), "--now", BENCH_NOW]);
    const { list: composed } = composeImageList({ repo, history: h, now });
    const entries = Object.values(composed.vos).reduce((n, v) => n + v.images.length, 0);

    printFigures(`compose on ${machine()}\n${entries} list entries in ${Object.keys(composed.vos).length} VOs, ${composed.revoked.length} revoked, from ${h.changes.size} files in git history`, [
      ["git history (one pass)", wallAndCpu(history), `median of ${runs}; CPU excludes git itself`],
      ["compose lists, in memory", wallAndCpu(list), `median of ${runs}`],
      ["compose after validate (main job)", wallAndCpu(afterValidate), `median of ${runs}: history, lists, schema check, writes`],
      ["validate + compose, in process", wallAndCpu(whole), `median of ${runs}`],
      ["vmendorse compose (CLI)", wallAndCpu(cli), `median of ${cliRuns}, end to end, validates first`],
    ]);
    const met = afterValidate.median < TARGET_MS || (busy() && afterValidate.cpu < TARGET_MS);
    console.log(`  target under ${ms(TARGET_MS)}, compose after validate: ${verdict(afterValidate, TARGET_MS)}`);
    return { figures: { historyMs: history.median, listMs: list.median, composeMs: afterValidate.median, composeCpuMs: afterValidate.cpu, wholeMs: whole.median, cliMs: cli.median, cliCpuMs: cli.cpu }, met };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (isMain(import.meta)) {
  const { root, cleanup } = benchRepository();
  try {
    const { met } = await benchCompose({ root });
    if (!met && process.argv.includes("--strict")) process.exitCode = 1;
  } finally {
    cleanup();
  }
}
