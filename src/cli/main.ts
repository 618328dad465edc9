// `vmendorse` command line: dispatches to the commands and maps errors to exit codes
// (0 success, 1 invalid or refused, 2 usage).
import type { Io } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { InvalidInputError, RefusedError, UsageError, formatDiagnostic } from "../util/diagnostic.js";

export function defaultIo(): Io {
  return {
    out: (l) => process.stdout.write(l + "\n"),
    err: (l) => process.stderr.write(l + "\n"),
    progress: (l) => process.stderr.write(l + "\n"),
    cwd: process.cwd(),
    env: process.env,
  };
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: vmendorse <command> [options]",
    "",
    "Endorsement of virtual machine images: validate, build, scan, endorse, compose, sign, publish, verify.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `vmendorse <command> --help` for a command's options. Exit codes: 0 ok, 1 invalid or refused, 2 usage.",
  ].join("\n");
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.err : io.out)(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.out("vmendorse 0.1.0");
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`vmendorse: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: ${cmd.usage}\n\n${cmd.summary}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`vmendorse ${name}: ${e.message}\nusage: ${cmd.usage}`);
      return 2;
    }
    if (e instanceof InvalidInputError) {
      for (const d of e.diagnostics) io.err(formatDiagnostic(d));
      return 1;
    }
    if (e instanceof RefusedError) {
      io.err(`vmendorse ${name}: refused: ${e.message}`);
      return 1;
    }
    io.err(`vmendorse ${name}: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
