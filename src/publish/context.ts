// What every publisher gets: the retry policy, a progress line writer, the environment (credentials),
// and a journal of what was done where (printed at the end and returned as JSON).
import { withRetry, type RetryPolicy } from "./retry.js";
import { describeError } from "../util/describe-error.js";

export type Action = "uploaded" | "present" | "tagged" | "registered" | "published" | "skipped" | "removed";

export interface Outcome {
  target: string;
  item: string;
  action: Action;
  detail?: string;
}

export interface PublishContext {
  retry: RetryPolicy;
  progress: (line: string) => void;
  env: NodeJS.ProcessEnv;
  outcomes: Outcome[];
}

export function record(ctx: PublishContext, o: Outcome): void {
  ctx.outcomes.push(o);
  ctx.progress(`  ${o.action.padEnd(10)} ${o.item} -> ${o.target}${o.detail ? ` (${o.detail})` : ""}`);
}

/** withRetry with the context's policy, reporting each retry as a progress line. */
export function retrying<T>(ctx: PublishContext, what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
  return withRetry(what, ctx.retry, fn, {
    onRetry: ({ attempt, delayMs, error }) => ctx.progress(`  retry      ${what}: attempt ${attempt} failed (${describeError(error)}); next in ${delayMs} ms`),
  });
}
