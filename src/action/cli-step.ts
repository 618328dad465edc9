// Actions for the long steps (build, scan, publish) run the CLI command itself in-process, so the action
// and `vmendorse <command>` on GitLab or a laptop are one code path: inputs become the command's options,
// its output goes to the log, its refusals to error annotations, and a non-zero exit fails the step.
import { main } from "../cli/main.js";
import { core, workspace } from "./run.js";

export type Arg = [flag: string, value: string | undefined] | [flag: string, value: boolean];

/** `--flag value` for each given value (multi-line inputs give one pair per line); `--flag` for true. */
export function toArgv(args: Arg[]): string[] {
  const argv: string[] = [];
  for (const [flag, value] of args) {
    if (value === true) argv.push(flag);
    else if (typeof value === "string") for (const v of value.split("\n").map((s) => s.trim()).filter(Boolean)) argv.push(flag, v);
  }
  return argv;
}

export async function runCliStep(command: string, argv: string[]): Promise<number> {
  core.info(`vmendorse ${command} ${argv.join(" ")}`);
  const code = await main([command, ...argv], {
    out: (line) => core.info(line),
    err: (line) => (/refused|error|FAIL|not |cannot/i.test(line) ? core.error(line) : core.info(line)),
    progress: (line) => core.info(line),
    cwd: workspace(),
    env: process.env,
  });
  if (code !== 0) core.setFailed(`vmendorse ${command} exited ${code}${code === 2 ? " (usage: check the action's inputs)" : ""}`);
  return code;
}
