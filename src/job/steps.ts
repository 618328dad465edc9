// A tiny step runner for long jobs: prints each step as it starts and ends, with its duration,
// and stops at the first failure (later steps would work on unchecked data).
import type { Io } from "../cli/command.js";

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export async function runSteps(io: Io, steps: { name: string; run: () => Promise<string> | string }[]): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    io.progress(`[${i + 1}/${steps.length}] ${step.name} …`);
    const t0 = performance.now();
    try {
      const detail = await step.run();
      results.push({ name: step.name, ok: true, ms: performance.now() - t0, detail });
    } catch (e) {
      results.push({ name: step.name, ok: false, ms: performance.now() - t0, detail: (e as Error).message });
      break;
    }
  }
  return results;
}

export function formatSummary(results: StepResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => `${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(width)} ${`${Math.round(r.ms)} ms`.padStart(8)}  ${r.detail.split("\n").join("\n" + " ".repeat(width + 16))}`)
    .join("\n");
}
