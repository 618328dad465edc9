// `npm run bench`: builds the CLI, generates the benchmark repository once, then runs every
// bench/*.bench.mjs in its own process (a fresh heap and JIT each) and prints their figures.
// With --strict, exits 1 when a bench misses its target; always exits 1 when a bench fails.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { generateRepository, PROJECT } from "./generate.mjs";

const here = join(PROJECT, "bench");
const strict = process.argv.includes("--strict");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (only.length === 0 || only.some((o) => f.startsWith(o))))
  .sort();

const build = spawnSync(process.execPath, [join(PROJECT, "scripts", "build.mjs")], { cwd: PROJECT, stdio: "inherit" });
if (build.status !== 0) process.exit(1);

const started = performance.now();
const repo = generateRepository();
console.log(`benchmark repository: ${repo.files} files (${repo.appliances} appliances, ${repo.vos} VOs, ${repo.endorsements} endorsements, ${repo.revocations} revocations), generated and committed in ${Math.round(performance.now() - started)} ms\n`);

let failed = 0;
try {
  for (const bench of benches) {
    const r = spawnSync(process.execPath, [join(here, bench), ...(strict ? ["--strict"] : [])], {
      cwd: PROJECT,
      stdio: "inherit",
      env: { ...process.env, VMENDORSE_BENCH_REPO: repo.root },
    });
    if (r.status !== 0) {
      console.log(`  ${bench} ${strict ? "failed or missed its target" : "failed"} (exit ${r.status})`);
      failed++;
    }
    console.log("");
  }
} finally {
  rmSync(repo.root, { recursive: true, force: true });
}
process.exitCode = failed > 0 ? 1 : 0;
