// Runs external tools (qemu, ssh, mmdebstrap, qemu-img...) with captured output, optional line-by-line
// progress, a time limit and an input. Failures become ToolError naming the command and its last output.
import { spawn, spawnSync, type SpawnOptions } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the tool's standard input (then closed). */
  input?: string | Uint8Array;
  /** Kill the tool (SIGKILL to its process group) after this many milliseconds. */
  timeoutMs?: number;
  /** Called with each complete output line (stdout and stderr), e.g. to report progress. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Keep at most this many characters of each stream (the tail); default 4 MiB. */
  maxCapture?: number;
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** Process groups of the tools and VMs running now (each tool is the leader of its own group). */
const running = new Set<number>();

export function trackChild(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  running.add(pid);
  return () => running.delete(pid);
}

/** SIGKILLs every tool and VM this process started that is still running. */
export function killRunningTools(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

const interruptCleanups = new Set<() => void>();
const onSignal = (signal: NodeJS.Signals) => {
  // Tools run in their own process groups, so a Ctrl-C on the terminal does not reach them: stop them
  // here, then let each registered clean-up remove its half-done work.
  killRunningTools();
  for (const c of interruptCleanups) {
    try {
      c();
    } catch {
      // keep cleaning up
    }
  }
  process.exit(signal === "SIGINT" ? 130 : 143);
};

/**
 * Runs `cleanup` (synchronously) if this process is interrupted by SIGINT or SIGTERM, after killing
 * the running tools, then exits. Returns the function that unregisters it.
 */
export function onInterrupt(cleanup: () => void): () => void {
  if (interruptCleanups.size === 0) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  interruptCleanups.add(cleanup);
  return () => {
    interruptCleanups.delete(cleanup);
    if (interruptCleanups.size === 0) {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  };
}

export class ToolError extends Error {
  constructor(readonly command: string, readonly result: RunResult) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-15).join("\n");
    const why = result.timedOut ? `timed out after ${Math.round(result.durationMs / 1000)} s` : result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
    super(`${command}: ${why}${tail ? `\n${tail}` : ""}`);
    this.name = "ToolError";
  }
}

/** Quotes one argument for display (not for a shell). */
export function showCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[A-Za-z0-9_./:=@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** Runs a tool to completion; never throws for a non-zero exit (see runOk). */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const max = opts.maxCapture ?? 4 * 1024 * 1024;
  return new Promise((resolvePromise, reject) => {
    const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"], detached: true };
    const child = spawn(cmd, [...args], spawnOpts);
    const untrack = trackChild(child.pid);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const partial = { stdout: "", stderr: "" };
    const feed = (stream: "stdout" | "stderr", chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (stream === "stdout") stdout = (stdout + text).slice(-max);
      else stderr = (stderr + text).slice(-max);
      if (!opts.onLine) return;
      // Tools that draw progress bars end lines with \r; treat it as a line end too.
      const lines = (partial[stream] + text).split(/\r\n|\n|\r/);
      partial[stream] = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) opts.onLine(l, stream);
    };
    child.stdout?.on("data", (c: Buffer) => feed("stdout", c));
    child.stderr?.on("data", (c: Buffer) => feed("stderr", c));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    // A tool left running when this process exits (e.g. a test interrupted) is killed with it.
    const onExit = () => killGroup();
    process.once("exit", onExit);
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      untrack();
      process.removeListener("exit", onExit);
      reject(new Error(`${cmd}: cannot run it (${(e as NodeJS.ErrnoException).code ?? e.message}); is it installed?`));
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      untrack();
      process.removeListener("exit", onExit);
      for (const s of ["stdout", "stderr"] as const) if (opts.onLine && partial[s].trim()) opts.onLine(partial[s], s);
      resolvePromise({ code: code ?? -1, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
    child.stdin?.on("error", () => undefined); // the tool may exit before reading its input
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs a tool and throws ToolError unless it exits 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runTool(cmd, args, opts);
  if (r.code !== 0 || r.timedOut) throw new ToolError(showCommand(cmd, args), r);
  return r;
}

/** First line of a tool's version output, e.g. "qemu-img version 7.2.22", or undefined if it is missing. */
export function toolVersionLine(cmd: string, args: readonly string[] = ["--version"]): string | undefined {
  const r = spawnSync(cmd, [...args], { encoding: "utf8", timeout: 20_000 });
  if (r.error) return undefined;
  const text = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").map((l) => l.trim()).find((l) => l.length > 0);
  return text;
}

/** Whether a command is on PATH. */
export function hasCommand(cmd: string): boolean {
  const r = spawnSync("sh", ["-c", `command -v "$1" >/dev/null 2>&1`, "sh", cmd]);
  return r.status === 0;
}
