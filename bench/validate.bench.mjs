// How long `validate` takes on a large repository (1,000 appliances, 100 VOs, 10,000 endorsements):
// loading (YAML + schema per file) and cross-file rules in process (median of several runs after a
// first, cold one), and the built CLI end to end as a user runs it. Target: under 2 s.
import { BENCH_NOW, benchRepository, busy, importSrc, isMain, machine, ms, printFigures, repeat, repeatCli, time, verdict, wallAndCpu } from "./lib.mjs";

export const TARGET_MS = 2000;

/** Measures validate on `root`; returns the figures (ms) and whether the target was met. */
export async function benchValidate({ root, runs = 5, cliRuns = 3 }) {
  const { loadRepository, crossFileRules, validateRepository } = await importSrc("repo/load.ts", "validate/rules.ts", "validate/index.ts");
  const now = Date.parse(BENCH_NOW);

  const first = time(() => validateRepository(root, now));
  const { diagnostics, counts } = first.result;
  if (diagnostics.length > 0) {
    throw new Error(`the benchmark repository is not valid:\n${diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line}: ${d.message} [${d.rule}]`).join("\n")}`);
  }
  const load = repeat(runs, () => loadRepository(root));
  const { repo } = loadRepository(root);
  const rules = repeat(runs, () => crossFileRules(repo, now));
  const whole = repeat(runs, () => validateRepository(root, now));
  const cli = repeatCli(cliRuns, ["validate", "--root", root, "--now", BENCH_NOW]);

  const figures = { firstMs: first.ms, loadMs: load.median, rulesMs: rules.median, validateMs: whole.median, cliMs: cli.median, cliCpuMs: cli.cpu };
  printFigures(`validate on ${machine()}\n${counts.files} files (${counts.images} appliances, ${counts.releases} releases, ${counts.vos} VOs, ${counts.endorsements} endorsements, ${counts.revocations} revocations)`, [
    ["load + schema, in process", wallAndCpu(load), `median of ${runs}`],
    ["cross-file rules, in process", wallAndCpu(rules), `median of ${runs}`],
    ["validate, in process, first run", wallAndCpu({ median: first.ms, cpu: first.cpuMs }), "cold: schema compilation, JIT warm-up"],
    ["validate, in process", wallAndCpu(whole), `median of ${runs}`],
    ["vmendorse validate (CLI)", wallAndCpu(cli), `median of ${cliRuns}, end to end`],
  ]);
  // The target is for validate itself (median of several runs); the CLI adds process start-up and
  // runs everything cold.
  const met = whole.median < TARGET_MS || (busy() && whole.cpu < TARGET_MS);
  console.log(`  target under ${ms(TARGET_MS)}, validate: ${verdict(whole, TARGET_MS)}`);
  console.log(`  target under ${ms(TARGET_MS)}, CLI end to end: ${verdict(cli, TARGET_MS)}`);
  return { figures, met };
}

if (isMain(import.meta)) {
  const { root, cleanup } = benchRepository();
  try {
    const { met } = await benchValidate({ root });
    if (!met && process.argv.includes("--strict")) process.exitCode = 1;
  } finally {
    cleanup();
  }
}
