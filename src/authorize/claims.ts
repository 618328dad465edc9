// The endorser each changed endorsement file names, read from the request's head checkout. Only the
// `endorser` field is read here; whether the file is otherwise valid is `vmendorse validate`'s job.
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { readYamlFile } from "../repo/yaml-file.js";
import type { ChangedFile } from "./types.js";

export function namedEndorsers(headRoot: string, files: readonly ChangedFile[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const parts = f.path.split("/");
    if (f.status === "removed" || parts[0] !== "endorsements" || parts.length !== 3 || parts[2] === "vo.yaml") continue;
    if (!/\.ya?ml$/.test(f.path) || parts.some((p) => p === ".." || p === "")) continue;
    const abs = join(headRoot, ...parts);
    // Not a link: a link could make this read a file outside the checkout.
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    const r = readYamlFile(abs, f.path);
    if (!r.ok) continue;
    const data = r.value.data as { endorser?: unknown } | null;
    if (data && typeof data.endorser === "string") out.set(f.path, data.endorser);
  }
  return out;
}
