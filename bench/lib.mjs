// Building blocks shared by the benchmarks: loading the TypeScript sources (bundled), timing,
// running the built CLI, the benchmark repository, and printing figures in one format.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { precompiledSchemasPlugin } from "../scripts/precompile-schemas.mjs";
import { generateRepository, PROJECT } from "./generate.mjs";

export { BENCH_NOW, PROJECT } from "./generate.mjs";

/**
 * Imports modules of src/ (e.g. "validate/index.ts") bundled as the CLI is: esbuild with the
 * precompiled schemas, so that in-process figures measure the code users run (tsx would add its
 * own per-function overhead). One bundle for the modules of one call; their exports merged.
 */
export async function importSrc(...paths) {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-bench-bundle-"));
  try {
    const outfile = join(dir, "bench-bundle.mjs");
    await build({
      stdin: { contents: paths.map((p) => `export * from ${JSON.stringify(`./src/${p}`)};`).join("\n"), resolveDir: PROJECT, loader: "ts" },
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      outfile,
      logLevel: "error",
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      plugins: [precompiledSchemasPlugin(PROJECT)],
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall-clock and CPU milliseconds a synchronous call takes, and its result. */
export function time(fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, result };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `fn` `runs` times; medians of wall-clock and CPU time in ms (CPU undefined if unknown). */
export function repeat(runs, fn) {
  const results = Array.from({ length: runs }, () => time(fn));
  return { median: median(results.map((r) => r.ms)), cpu: median(results.map((r) => r.cpuMs)) };
}

// GNU time reports the CPU time of a child process; without it only wall-clock time is known.
const GNU_TIME = ["/usr/bin/time", "/bin/time"].find((p) => existsSync(p));

/** Runs the built CLI (bin/vmendorse.js): wall-clock time from spawn to exit, and its CPU time. */
export function runCli(args) {
  const cli = [process.execPath, resolve(PROJECT, "bin", "vmendorse.js"), ...args];
  const [cmd, ...argv] = GNU_TIME ? [GNU_TIME, "-f", "\ncpu %U %S", ...cli] : cli;
  const started = performance.now();
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`vmendorse ${args.join(" ")} exited ${r.status}:\n${(r.stderr ?? "").slice(0, 2000)}`);
  const m = /\ncpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? "");
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined, stdout: r.stdout };
}

/** Times `runs` CLI runs: medians of wall-clock and CPU time. */
export function repeatCli(runs, args) {
  const results = Array.from({ length: runs }, () => runCli(args));
  const cpus = results.map((r) => r.cpuMs).filter((c) => c !== undefined);
  return { median: median(results.map((r) => r.ms)), cpu: cpus.length === runs ? median(cpus) : undefined };
}

/** "1234 ms" plus the CPU time when known; on a busy machine wall-clock time exceeds CPU time. */
export function wallAndCpu(t) {
  return t.cpu === undefined ? ms(t.median) : `${ms(t.median)}  (CPU ${ms(t.cpu)})`;
}

/** One line on the machine: CPUs and load, to read the figures against. */
export function machine() {
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  return `${cpus().length} CPUs, load average ${load}, node ${process.version}`;
}

/**
 * The repository to benchmark: $VMENDORSE_BENCH_REPO when bench/run.mjs generated one for every
 * bench, otherwise a freshly generated one that `cleanup()` removes.
 */
export function benchRepository() {
  const given = process.env.VMENDORSE_BENCH_REPO;
  if (given) return { root: given, cleanup: () => {} };
  const started = performance.now();
  const r = generateRepository();
  console.log(`generated ${r.files} files (${r.appliances} appliances, ${r.vos} VOs, ${r.endorsements} endorsements) in ${ms(performance.now() - started)}`);
  return { root: r.root, cleanup: () => rmSync(r.root, { recursive: true, force: true }) };
}

export const ms = (x) => `${Math.round(x)} ms`;

/** Prints a titled table of figures: rows of [label, value, note?]. */
export function printFigures(title, rows) {
  console.log(title);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [label, value, note] of rows) console.log(`  ${label.padEnd(width)}  ${String(value).padStart(8)}${note ? `  ${note}` : ""}`);
}

/**
 * "met" or "MISSED" against a target, on wall-clock time. When other processes keep the machine
 * busy (load above its CPUs), wall-clock time says little: the CPU time is judged as well.
 */
export function verdict(t, targetMs) {
  const wall = t.median < targetMs ? `met (${ms(t.median)} < ${ms(targetMs)})` : `MISSED (${ms(t.median)} >= ${ms(targetMs)})`;
  if (t.median < targetMs || t.cpu === undefined || !busy()) return wall;
  const cpu = t.cpu < targetMs ? `met on CPU time (${ms(t.cpu)})` : `MISSED on CPU time too (${ms(t.cpu)})`;
  return `${wall} on wall-clock time with the machine busy (${machine()}); ${cpu}`;
}

/** Whether other work competes for the CPUs (1-minute load average above the number of CPUs). */
export function busy() {
  return loadavg()[0] > cpus().length;
}

/** Whether a bench module was started directly (`node bench/x.bench.mjs`) rather than imported. */
export function isMain(meta) {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(meta.url);
}
