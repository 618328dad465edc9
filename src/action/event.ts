// Facts from the event that started the workflow (GITHUB_EVENT_PATH), for inputs left empty.
import { readFileSync } from "node:fs";

export function eventPayload(): Record<string, unknown> {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The pull request number of a pull_request / pull_request_review event. */
export function eventPullNumber(): number | undefined {
  const pr = eventPayload().pull_request as { number?: unknown } | undefined;
  return typeof pr?.number === "number" ? pr.number : undefined;
}

/** A positive request number from an input (text from an artifact is untrusted: digits only). */
export function pullNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(text.trim())) throw new Error(`"${text.slice(0, 40)}" is not a pull request number`);
  return Number(text.trim());
}
