// Reading, checking and writing the repository's CODEOWNERS file (.github/CODEOWNERS).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Repository } from "../repo/load.js";
import { CODEOWNERS_FILE } from "../repo/layout.js";
import { writeFileAtomic } from "../util/fs.js";
import { codeownersDrift, generateCodeowners, type Drift } from "./generate.js";

export const CODEOWNERS_PATH = CODEOWNERS_FILE.split("\\").join("/");

export function readCodeowners(root: string): string | undefined {
  const abs = join(root, CODEOWNERS_FILE);
  return existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
}

export interface CodeownersState {
  expected: string;
  /** undefined: the file does not exist. */
  found: string | undefined;
  drift: Drift | undefined;
}

export function checkCodeowners(repo: Repository): CodeownersState {
  const expected = generateCodeowners(repo);
  const found = readCodeowners(repo.root);
  return { expected, found, drift: found === undefined ? undefined : codeownersDrift(expected, found) };
}

export function writeCodeowners(root: string, text: string): string {
  const abs = join(root, CODEOWNERS_FILE);
  writeFileAtomic(abs, text);
  return abs;
}
