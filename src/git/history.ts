// Who changed each file last, and when, according to git: the source of truth for endorsement
// identity and time (the YAML only claims them). One `git log` pass serves any number of files.
import { execFileSync } from "node:child_process";

export interface FileChange {
  /** The commit on the main line (first parent) that brought the file's current content: the merge for a PR. */
  commit: string;
  /** Committer time of that commit (when it landed), ms since epoch. */
  time: number;
  /** Author of the last non-merge commit that touched the file ("Name <email>"). */
  author: string;
  authorEmail: string;
}

export interface History {
  /** HEAD commit, or undefined outside git. */
  head?: string;
  /** Files (relative, forward slashes) whose working-tree content differs from HEAD or that git does not track. */
  dirty: Set<string>;
  changes: Map<string, FileChange>;
}

const SEP = "\u001f";

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

/** Parses `git log --format=%x00<fields> --name-only` output into newest-first commits with their files. */
function parseLog(out: string): { fields: string[]; files: string[] }[] {
  return out.split("\u0000").slice(1).map((chunk) => {
    const [header = "", ...rest] = chunk.split("\n");
    return { fields: header.split(SEP), files: rest.filter((l) => l.length > 0) };
  });
}

export function readHistory(root: string, pathspec: string): History {
  const empty: History = { dirty: new Set(), changes: new Map() };
  const head = git(root, ["rev-parse", "--verify", "-q", "HEAD"])?.trim();
  if (!head) return empty;
  const fmt = `--format=%x00%H${SEP}%ct${SEP}%an${SEP}%ae`;
  const mainLine = git(root, ["log", "--first-parent", "-m", "--no-renames", fmt, "--name-only", "--", pathspec]);
  const nonMerge = git(root, ["log", "--no-merges", "--no-renames", fmt, "--name-only", "--", pathspec]);
  if (mainLine === undefined || nonMerge === undefined) return empty;

  const authors = new Map<string, { name: string; email: string }>();
  for (const c of parseLog(nonMerge)) {
    for (const f of c.files) if (!authors.has(f)) authors.set(f, { name: c.fields[2] ?? "", email: c.fields[3] ?? "" });
  }
  const changes = new Map<string, FileChange>();
  for (const c of parseLog(mainLine)) {
    for (const f of c.files) {
      if (changes.has(f)) continue;
      const a = authors.get(f) ?? { name: c.fields[2] ?? "", email: c.fields[3] ?? "" };
      changes.set(f, { commit: c.fields[0] ?? "", time: Number(c.fields[1]) * 1000, author: `${a.name} <${a.email}>`, authorEmail: a.email.toLowerCase() });
    }
  }
  const status = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", pathspec]) ?? "";
  const dirty = new Set(status.split("\u0000").filter((s) => s.length > 3).map((s) => s.slice(3)));
  return { head, dirty, changes };
}
