// The shape of one CLI command. Each command lives in cli/commands/<name>.ts and is listed in
// cli/commands/index.ts; it parses its own options and calls the core library.
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress lines for long work (to stderr, so --json output on stdout stays clean). */
  progress: (line: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code: 0 success, 1 invalid/refused, 2 usage. */
  run(argv: string[], io: Io): Promise<number>;
}
