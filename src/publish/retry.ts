// Bounded retries with exponential backoff for transient failures (HTTP 5xx/429/408, connection reset,
// refused, timed out). Anything else fails at once: retrying a 4xx or a digest mismatch only hides it.
import { describeError } from "../util/describe-error.js";

export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with ±25% jitter. */
  baseMs: number;
  /** Upper bound of one delay. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 8_000 };

/** An error that says whether trying again may help. */
export class TransientError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "TransientError";
  }
}

const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "ERR_STREAM_PREMATURE_CLOSE"]);

export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** True for network-level failures and errors explicitly marked transient. */
export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const c = cur as { code?: unknown; status?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === "string" && TRANSIENT_CODES.has(c.code)) return true;
    if (typeof c.status === "number" && isTransientStatus(c.status)) return true;
    if (typeof c.message === "string" && /socket hang up|other side closed|terminated/i.test(c.message)) return true;
    cur = c.cause;
  }
  return false;
}

/** Delay before attempt number `attempt` (2 = the first retry). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(base * (0.75 + 0.5 * random()));
}

export interface RetryHooks {
  /** Called before each retry with the error that caused it. */
  onRetry?: (info: { what: string; attempt: number; delayMs: number; error: unknown }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export async function withRetry<T>(what: string, policy: RetryPolicy, fn: (attempt: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isTransient(e) || attempt >= policy.attempts) {
        if (isTransient(e) && policy.attempts > 1) {
          throw new GaveUpError(`${what}: gave up after ${attempt} attempts: ${describeError(e)}`, e);
        }
        throw e;
      }
      const delayMs = backoffMs(policy, attempt + 1);
      hooks.onRetry?.({ what, attempt, delayMs, error: e });
      await sleep(delayMs);
    }
  }
}

/** Retries were exhausted on a transient failure. */
export class GaveUpError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "GaveUpError";
  }
}
