// Facts about the host that decide how a VM runs: is KVM usable (and fast), which local port is free.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** KVM is usable when /dev/kvm exists and this process may open it read-write. */
export function kvmUsable(device = "/dev/kvm"): boolean {
  try {
    closeSync(openSync(device, "r+"));
    return true;
  } catch {
    return false;
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolvePort(port) : reject(new Error("no free port"))));
    });
  });
}

export type Accel = "kvm" | "tcg";

export interface AccelChoice {
  accel: Accel;
  /** Why: e.g. "KVM reached the boot loader in 0.2 s". */
  reason: string;
}

let cachedChoice: Promise<AccelChoice> | undefined;

/**
 * KVM when /dev/kvm is usable and actually fast. Some nested-virtualisation hosts expose a KVM that is
 * ten times slower than plain emulation (every VM exit goes through the outer hypervisor), so the
 * choice is measured: the time the BIOS takes to reach "Booting from" under KVM, and under TCG when
 * KVM is slow. VMENDORSE_ACCEL=kvm|tcg overrides the measurement.
 */
export function chooseAccel(env: NodeJS.ProcessEnv = process.env): Promise<AccelChoice> {
  const forced = env.VMENDORSE_ACCEL;
  if (forced === "kvm" || forced === "tcg") return Promise.resolve({ accel: forced, reason: `VMENDORSE_ACCEL=${forced}` });
  cachedChoice ??= (async (): Promise<AccelChoice> => {
    if (!kvmUsable()) return { accel: "tcg", reason: "/dev/kvm is missing or not accessible" };
    const kvm = await biosBootTime("kvm", 10_000);
    if (kvm !== undefined && kvm < 1_000) return { accel: "kvm", reason: `KVM reached the boot loader in ${(kvm / 1000).toFixed(1)} s` };
    const tcg = await biosBootTime("tcg", 10_000);
    if (kvm === undefined) return { accel: "tcg", reason: "KVM did not reach the boot loader of a test VM within 10 s" };
    if (tcg !== undefined && tcg < kvm) {
      return { accel: "tcg", reason: `KVM is slower than emulation here (BIOS: ${(kvm / 1000).toFixed(1)} s with KVM, ${(tcg / 1000).toFixed(1)} s with TCG)` };
    }
    return { accel: "kvm", reason: `KVM reached the boot loader in ${(kvm / 1000).toFixed(1)} s` };
  })();
  return cachedChoice;
}

/** Milliseconds until SeaBIOS logs "Booting from" on its debug port, or undefined (failed or too slow). */
async function biosBootTime(accel: Accel, limitMs: number): Promise<number | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-accel-"));
  const log = join(dir, "bios.log");
  const cpu = accel === "kvm" ? "host,-arch-capabilities" : "max";
  const child = spawn("qemu-system-x86_64", ["-machine", "pc", "-accel", accel, "-cpu", cpu, "-m", "64", "-nodefaults", "-display", "none",
    "-no-reboot", "-debugcon", `file:${log}`, "-global", "isa-debugcon.iobase=0x402"], { stdio: "ignore" });
  let exited = false;
  child.on("exit", () => (exited = true));
  child.on("error", () => (exited = true));
  const started = Date.now();
  try {
    while (Date.now() - started < limitMs && !exited) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(log) && readFileSync(log, "latin1").includes("Booting from")) return Date.now() - started;
    }
    return undefined;
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
