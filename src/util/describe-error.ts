// Errors as one line a person can act on: Node's fetch puts the useful part (ECONNREFUSED, a reset, a TLS
// problem) in `cause`, so the chain is followed.
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const c = cur as { message?: unknown; code?: unknown; cause?: unknown };
    const msg = typeof c.message === "string" ? c.message : String(cur);
    const code = typeof c.code === "string" && !msg.includes(c.code) ? ` (${c.code})` : "";
    if (!parts.some((p) => p.includes(msg))) parts.push(msg + code);
    cur = c.cause;
  }
  return parts.join(": ");
}
