// A throw-away git repository holding a copy of this project's example data, with commits whose
// author and dates the test chooses (endorsement time and identity come from git).
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { afterAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

const PROJECT = join(import.meta.dirname, "..", "..");
export const DATA = ["vmendorse.yaml", "images", "endorsements", "revocations", "schemas"];

const made: string[] = [];
// Registered when a test file imports this module, so it runs after that file's tests.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh copy of the example data in a temporary git repository, removed after the test file. */
export function copyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-repo-"));
  made.push(dir);
  for (const d of DATA) cpSync(join(PROJECT, d), join(dir, d), { recursive: true });
  git(dir, ["init", "-q", "-b", "main"]);
  return dir;
}

export function git(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: dir, ...env },
  });
}

/** Commits everything as the given author at the given time (ISO). */
export function commitAll(dir: string, message: string, who: { name: string; email: string }, when: string): string {
  const env = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when };
  git(dir, ["add", "-A"], env);
  git(dir, ["commit", "-q", "-m", message], env);
  return git(dir, ["rev-parse", "HEAD"]).trim();
}
