// Starts a qemu-system-x86_64 VM and always stops it: ACPI power-down over QMP first, SIGKILL after a
// grace period, and SIGKILL when this process exits. The command line is built by a pure function.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { trackChild } from "./process.js";

export interface HostForward {
  protocol: "tcp" | "udp";
  hostPort: number;
  guestPort: number;
  /** Host address to bind; default 127.0.0.1 (never all interfaces). */
  hostAddr?: string;
}

export type VmNetwork =
  /** qemu user-mode network (slirp): guest ports reached through host forwards on 127.0.0.1. */
  | { kind: "user"; forwards: HostForward[]; /** Cut the guest off from the host and the outside (default true). */ restrict?: boolean }
  /** A tap device prepared by the caller (e.g. inside a network namespace, for scanning from outside). */
  | { kind: "tap"; ifname: string; mac?: string }
  | { kind: "none" };

export interface QemuOptions {
  disk: string;
  diskFormat: "qcow2" | "raw" | "vmdk";
  /** NoCloud seed ISO (cidata), attached as a CD-ROM. */
  seedIso?: string;
  memoryMb?: number;
  cpus?: number;
  accel: "kvm" | "tcg";
  network: VmNetwork;
  /** File receiving the VM's serial console (kernel and systemd messages with console=ttyS0). */
  serialLog: string;
  /** Unix socket for QMP (used for the ACPI power-down). */
  qmpSocket: string;
  name?: string;
  /** qemu -cpu value; default: the host's CPU under KVM, the emulated "max" CPU under TCG. */
  cpu?: string;
  extraArgs?: string[];
}

// Under nested virtualisation some hosts refuse the IA32_ARCH_CAPABILITIES MSR and qemu aborts at start;
// hiding it costs the guest nothing but a hint about CPU vulnerabilities.
const KVM_CPU = "host,-arch-capabilities";

export function qemuArgs(o: QemuOptions): string[] {
  const args = [
    "-name", o.name ?? "vmendorse",
    "-machine", "pc",
    "-accel", o.accel,
    "-cpu", o.cpu ?? (o.accel === "kvm" ? KVM_CPU : "max"),
    "-smp", String(o.cpus ?? 2),
    "-m", String(o.memoryMb ?? 1024),
    "-nodefaults",
    "-display", "none",
    "-vga", "none",
    "-no-reboot",
    "-serial", `file:${o.serialLog}`,
    "-qmp", `unix:${o.qmpSocket},server=on,wait=off`,
    "-drive", `file=${o.disk},format=${o.diskFormat},if=virtio,cache=unsafe,discard=unmap`,
    "-device", "virtio-rng-pci",
  ];
  if (o.seedIso) args.push("-drive", `file=${o.seedIso},format=raw,if=ide,media=cdrom,readonly=on`);
  const net = o.network;
  if (net.kind === "user") {
    const fwd = net.forwards.map((f) => `,hostfwd=${f.protocol}:${f.hostAddr ?? "127.0.0.1"}:${f.hostPort}-:${f.guestPort}`).join("");
    args.push("-netdev", `user,id=n0,restrict=${net.restrict === false ? "off" : "on"}${fwd}`, "-device", "virtio-net-pci,netdev=n0");
  } else if (net.kind === "tap") {
    args.push("-netdev", `tap,id=n0,ifname=${net.ifname},script=no,downscript=no`, "-device", `virtio-net-pci,netdev=n0${net.mac ? `,mac=${net.mac}` : ""}`);
  }
  return [...args, ...(o.extraArgs ?? [])];
}

export interface RunningVm {
  readonly pid: number;
  readonly accel: "kvm" | "tcg";
  readonly serialLog: string;
  /** Why the VM is no longer running, or undefined while it runs. */
  exitReason(): string | undefined;
  /** The last non-empty lines of the serial console. */
  consoleTail(lines?: number): string[];
  /** ACPI power-down, then SIGKILL if the guest is not off within graceMs. Never throws. */
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOptions extends QemuOptions {
  /** Run qemu inside this network namespace (ip netns exec). */
  netns?: string;
  binary?: string;
}

export function startQemu(o: StartOptions): RunningVm {
  const bin = o.binary ?? "qemu-system-x86_64";
  const args = qemuArgs(o);
  const [cmd, argv] = o.netns ? ["ip", ["netns", "exec", o.netns, bin, ...args]] : [bin, args];
  const child: ChildProcess = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
  const untrack = trackChild(child.pid);
  let stderr = "";
  let exit: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.on("exit", (code, signal) => {
      untrack();
      exit = `qemu exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`;
      process.removeListener("exit", onProcessExit);
      resolveExit();
    });
    child.on("error", (e) => {
      exit = `qemu could not start: ${e.message}`;
      process.removeListener("exit", onProcessExit);
      resolveExit();
    });
  });
  child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8192)));
  const onProcessExit = () => {
    if (exit === undefined) child.kill("SIGKILL");
  };
  process.on("exit", onProcessExit);

  const waitExit = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  const kill = async () => {
    if (exit === undefined) child.kill("SIGKILL");
    await waitExit(10_000);
  };
  return {
    pid: child.pid ?? -1,
    accel: o.accel,
    serialLog: o.serialLog,
    exitReason: () => exit,
    consoleTail(lines = 5) {
      if (!existsSync(o.serialLog)) return [];
      // The console has escape sequences and carriage returns; keep printable text only.
      const text = readFileSync(o.serialLog, "utf8").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
      return text.split("\n").map((l) => l.replace(/[^\x20-\x7e]/g, "").trim()).filter((l) => l.length > 0).slice(-lines);
    },
    async stop(graceMs = 60_000) {
      if (exit !== undefined) return;
      try {
        await qmpCommand(o.qmpSocket, "system_powerdown", 5_000);
        if (await waitExit(graceMs)) return;
      } catch {
        // QMP unavailable: fall through to the kill.
      }
      await kill();
    },
    kill,
  };
}

/** Sends one QMP command (after the capabilities handshake) and resolves on its reply. */
export function qmpCommand(socket: string, command: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolveCmd, reject) => {
    const conn = createConnection(socket);
    let buf = "";
    let step = 0;
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`QMP ${command}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    conn.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    conn.on("data", (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if ("event" in msg) continue;
        if (step === 0 && "QMP" in msg) {
          conn.write(JSON.stringify({ execute: "qmp_capabilities" }) + "\n");
          step = 1;
        } else if (step === 1 && "return" in msg) {
          conn.write(JSON.stringify({ execute: command }) + "\n");
          step = 2;
        } else if (step === 2) {
          clearTimeout(timer);
          conn.end();
          if ("error" in msg) reject(new Error(`QMP ${command}: ${JSON.stringify(msg.error)}`));
          else resolveCmd(msg.return);
        }
      }
    });
  });
}
