// The effective sshd configuration, read the way sshd reads it: keywords are case-insensitive, the
// first value of a keyword wins, Include pulls files in (globs sorted, relative to /etc/ssh), and
// lines after a Match apply only to matching connections (until the next Match or the file's end).

export interface SshdDirective {
  keyword: string; // lower case
  value: string;
  file: string;
  line: number;
  /** The Match criteria this line is under, or undefined for global lines. */
  match?: string;
}

export interface FileSource {
  read(path: string): string | undefined;
  /** Files matching a glob pattern (only '*' and '?' in the last component), sorted. */
  glob(pattern: string): string[];
}

const MAX_DEPTH = 16;

export function readSshdConfig(src: FileSource, file = "/etc/ssh/sshd_config"): { directives: SshdDirective[]; found: boolean } {
  const directives: SshdDirective[] = [];
  const text = src.read(file);
  if (text === undefined) return { directives, found: false };
  parseInto(src, file, text, undefined, directives, 0);
  return { directives, found: true };
}

function parseInto(src: FileSource, file: string, text: string, inheritedMatch: string | undefined, out: SshdDirective[], depth: number): void {
  let match = inheritedMatch;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) return;
    const keyword = m[1]!.toLowerCase();
    const value = stripQuotes(m[2]!.trim());
    if (keyword === "match") {
      match = /^all$/i.test(value) ? inheritedMatch : value;
      return;
    }
    if (keyword === "include") {
      if (depth >= MAX_DEPTH) return;
      for (const pattern of value.split(/\s+/)) {
        const abs = pattern.startsWith("/") ? pattern : `/etc/ssh/${pattern}`;
        const files = /[*?[]/.test(abs) ? src.glob(abs) : [abs];
        for (const f of files) {
          const t = src.read(f);
          if (t !== undefined) parseInto(src, f, t, match, out, depth + 1);
        }
      }
      return;
    }
    out.push({ keyword, value, file, line: i + 1, ...(match !== undefined ? { match } : {}) });
  });
}

function stripQuotes(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** The global value sshd uses for a keyword (first occurrence outside Match blocks), if set. */
export function effective(ds: SshdDirective[], keyword: string): SshdDirective | undefined {
  return ds.find((d) => d.keyword === keyword && d.match === undefined);
}

/** Every Match-block line setting the keyword. */
export function inMatch(ds: SshdDirective[], keyword: string): SshdDirective[] {
  return ds.filter((d) => d.keyword === keyword && d.match !== undefined);
}

export const where = (d: SshdDirective) => `${d.file}:${d.line}`;
