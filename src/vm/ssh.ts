// ssh into a test VM with a throw-away key: no host key checking (every boot has new host keys) and
// no known_hosts file, batch mode so a refused key fails instead of prompting.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runOk, runTool, type RunResult } from "./process.js";

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Path of the private key. */
  identity: string;
  /** Network namespace to run ssh in (when the VM's network lives in one). */
  netns?: string;
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** Creates an ed25519 key pair without passphrase in `dir` (mode 0600, as ssh demands). */
export async function makeKeyPair(dir: string, comment = "vmendorse-test"): Promise<KeyPair> {
  const privateKey = join(dir, "id_ed25519");
  // A throw-away key: replace one left by an earlier run in the same folder.
  for (const f of [privateKey, `${privateKey}.pub`]) rmSync(f, { force: true });
  await runOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", privateKey], { timeoutMs: 30_000 });
  return { privateKey, publicKey: readFileSync(`${privateKey}.pub`, "utf8").trim() };
}

export function sshArgs(t: SshTarget, connectTimeoutS = 10): string[] {
  return [
    "-i", t.identity,
    "-p", String(t.port),
    "-o", "IdentitiesOnly=yes",
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "PasswordAuthentication=no",
    "-o", "LogLevel=ERROR",
    "-o", `ConnectTimeout=${connectTimeoutS}`,
    "-o", "ServerAliveInterval=5",
    "-o", "ServerAliveCountMax=6",
    `${t.user}@${t.host}`,
  ];
}

function wrap(t: SshTarget, cmd: string, args: string[]): [string, string[]] {
  return t.netns ? ["ip", ["netns", "exec", t.netns, cmd, ...args]] : [cmd, args];
}

export interface SshRunOptions {
  timeoutMs?: number;
  input?: string | Uint8Array;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

/** Runs one command (a shell command line on the VM) and returns its result; exit 255 = ssh itself failed. */
export function sshRun(t: SshTarget, command: string, o: SshRunOptions = {}): Promise<RunResult> {
  const [cmd, args] = wrap(t, "ssh", [...sshArgs(t), "--", command]);
  return runTool(cmd, args, { timeoutMs: o.timeoutMs ?? 120_000, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.onLine ? { onLine: o.onLine } : {}) });
}

/** Like sshRun, but throws unless the command exits 0. */
export function sshOk(t: SshTarget, command: string, o: SshRunOptions = {}): Promise<RunResult> {
  const [cmd, args] = wrap(t, "ssh", [...sshArgs(t), "--", command]);
  return runOk(cmd, args, { timeoutMs: o.timeoutMs ?? 120_000, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.onLine ? { onLine: o.onLine } : {}) });
}

/** Copies a local file to the VM (scp, same options as ssh). */
export async function scpTo(t: SshTarget, localPath: string, remotePath: string, timeoutMs = 300_000): Promise<void> {
  const base = sshArgs(t);
  const dest = base.pop() as string; // user@host
  const opts = base.map((a) => (a === "-p" ? "-P" : a));
  const [cmd, args] = wrap(t, "scp", ["-q", ...opts, localPath, `${dest}:${remotePath}`]);
  await runOk(cmd, args, { timeoutMs });
}

export interface WaitOptions {
  timeoutMs: number;
  /** Progress line every ~10 s while waiting. */
  onProgress?: (line: string) => void;
  /** Returns a reason when waiting is pointless (e.g. the VM process has exited). */
  abortReason?: () => string | undefined;
  /** Extra text for progress lines, e.g. the last console line of the VM. */
  status?: () => string | undefined;
}

/** Polls until `ssh ... true` succeeds with the key; throws with the last ssh error on timeout. */
export async function waitForSsh(t: SshTarget, o: WaitOptions): Promise<{ waitedMs: number }> {
  const started = Date.now();
  let lastReport = started;
  let lastError = "";
  for (;;) {
    const aborted = o.abortReason?.();
    if (aborted) throw new Error(`sshd on ${t.host}:${t.port} never answered: ${aborted}`);
    const r = await sshRun(t, "true", { timeoutMs: 20_000 });
    if (r.code === 0) return { waitedMs: Date.now() - started };
    lastError = (r.stderr.trim().split("\n").pop() ?? "") || `exit ${r.code}`;
    const elapsed = Date.now() - started;
    if (elapsed > o.timeoutMs) throw new Error(`sshd on ${t.host}:${t.port} did not accept the key within ${Math.round(o.timeoutMs / 1000)} s (last: ${lastError})`);
    if (o.onProgress && Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const s = o.status?.();
      o.onProgress(`waiting for sshd on ${t.host}:${t.port} (${Math.round(elapsed / 1000)} s; ${lastError}${s ? `; console: ${s}` : ""})`);
    }
    await new Promise((r2) => setTimeout(r2, 2_000));
  }
}
