// The site's memory of the last list it accepted (--state FILE), so an older list cannot be replayed.
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic, toJsonText } from "../util/fs.js";
import { fileError } from "../util/diagnostic.js";

export interface SeenState {
  identifier: string;
  serial: number;
  issued: string;
  sha256: string;
  accepted_at: string;
  /** The state file it was read from (not stored). */
  file: string;
}

export function readState(file: string): SeenState | undefined {
  if (!existsSync(file)) return undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw fileError(file, `unreadable state file (${(e as Error).message}); fix or remove it deliberately — it guards against rollback`, "state");
  }
  for (const [field, type] of [["identifier", "string"], ["serial", "number"], ["issued", "string"], ["sha256", "string"], ["accepted_at", "string"]] as const) {
    if (typeof data[field] !== type) throw fileError(file, `${field} must be a ${type}`, "state", `/${field}`);
  }
  return { ...(data as unknown as Omit<SeenState, "file">), file };
}

export function writeState(file: string, state: Omit<SeenState, "file">): void {
  writeFileAtomic(file, toJsonText(state));
}
