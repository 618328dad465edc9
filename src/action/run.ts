// The shared frame of every GitHub action in actions/<name>/: reads inputs, resolves paths against the
// workspace, turns the core library's errors into annotations and a failed step, and writes the job
// summary. An action's src/main.ts is then a few lines: read inputs, call the core, set outputs.
import { isAbsolute, resolve } from "node:path";
import * as core from "@actions/core";
import { InvalidInputError, RefusedError, UsageError, type Diagnostic } from "../util/diagnostic.js";
import { parseNow } from "../cli/args.js";
import { writeFileAtomic } from "../util/fs.js";

export interface ActionInputs {
  /** A required input (fails the step when empty). */
  required(name: string): string;
  /** An optional input: undefined when empty. */
  optional(name: string): string | undefined;
  /** A boolean input ("true"/"false", YAML 1.2 core schema), with a default when empty. */
  flag(name: string, fallback: boolean): boolean;
  /** A path input resolved against the workspace (GITHUB_WORKSPACE, else the current folder). */
  path(name: string, fallback?: string): string;
  /** The `now` input (ISO 8601) or the current time, in ms. */
  now(): number;
}

export const workspace = () => process.env.GITHUB_WORKSPACE || process.cwd();

export const inputs: ActionInputs = {
  required: (name) => core.getInput(name, { required: true }),
  optional: (name) => core.getInput(name) || undefined,
  flag: (name, fallback) => (core.getInput(name) === "" ? fallback : core.getBooleanInput(name)),
  path(name, fallback) {
    const v = core.getInput(name) || fallback;
    if (v === undefined) throw new UsageError(`input "${name}" is required`);
    return isAbsolute(v) ? v : resolve(workspace(), v);
  },
  now: () => parseNow(core.getInput("now") || undefined).getTime(),
};

/** Markdown appended to the job summary (where the runner provides one), and written to the action's
 * `report` input when given (a later step gathers these files into the pull request comment). */
export async function summary(markdown: string): Promise<void> {
  const report = core.getInput("report");
  if (report) writeFileAtomic(isAbsolute(report) ? report : resolve(workspace(), report), markdown);
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

/** One annotation per diagnostic, pinned to the file and line in the pull request's diff view. */
export function annotate(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    core.error(`${d.field ? `${d.field}: ` : ""}${d.message}`, {
      title: `vmendorse: ${d.rule}`,
      file: d.file,
      ...(d.line > 0 ? { startLine: d.line, startColumn: d.column || 1 } : {}),
    });
  }
}

/** Runs an action's body; any error fails the step with a message a person can act on. */
export async function runAction(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof InvalidInputError) {
      annotate(e.diagnostics);
      core.setFailed(`${name}: ${e.diagnostics.length} problem(s); see the annotations`);
    } else if (e instanceof RefusedError) {
      core.setFailed(`${name}: refused: ${e.message}`);
    } else if (e instanceof UsageError) {
      core.setFailed(`${name}: ${e.message}`);
    } else {
      core.setFailed(`${name}: ${(e as Error).stack ?? String(e)}`);
    }
  }
}

export { core };
