// Runs a bundled GitHub action (actions/<name>/dist/index.js, made by `npm run build`) as the runner
// does: inputs as INPUT_<NAME> variables, outputs and job summary through the GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files. Nothing else of the environment is passed, so the action sees only that.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNode } from "../helpers/spawn.js";

export const PROJECT = join(import.meta.dirname, "..", "..");

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Reads the `name<<DELIMITER\nvalue\nDELIMITER` records @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

export async function runAction(name: string, inputs: Record<string, string>, opts: { workspace?: string; env?: Record<string, string>; event?: unknown } = {}): Promise<ActionRun> {
  const tmp = mkdtempSync(join(tmpdir(), `vmendorse-action-${name}-`));
  const files = { GITHUB_OUTPUT: join(tmp, "output"), GITHUB_STEP_SUMMARY: join(tmp, "summary"), GITHUB_EVENT_PATH: join(tmp, "event.json") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(opts.event ?? {}));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    RUNNER_TEMP: tmp,
    GITHUB_WORKSPACE: opts.workspace ?? PROJECT,
    ...files,
    ...opts.env,
  };
  // The runner's naming: upper case, spaces to underscores, hyphens kept.
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
  const r = await runNode([join(PROJECT, "actions", name, "dist", "index.js")], { cwd: tmp, env });
  return { ...r, outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, "utf8")), summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8") };
}
