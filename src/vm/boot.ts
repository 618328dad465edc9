// Boots a disk image the way a cloud would: a copy-on-write overlay (the image stays untouched), a
// NoCloud seed with a throw-away ssh key, qemu with KVM when usable (TCG otherwise), and waits until
// sshd accepts the key. `withBootedImage` always powers the VM off and kills qemu, even on errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { chooseAccel, freeLocalPort } from "./host.js";
import { runOk, type RunResult } from "./process.js";
import { cloudConfigUserData, makeSeedIso, nocloudMetaData } from "./seed.js";
import { makeKeyPair, sshOk, sshRun, waitForSsh, type SshRunOptions, type SshTarget } from "./ssh.js";
import { startQemu, type HostForward, type RunningVm } from "./qemu.js";

export interface BootOptions {
  /** The disk image to boot (qcow2, raw or vmdk; the format is read by qemu-img). */
  image: string;
  /** Login user: the image's cloud-init default user (image.yaml os.admin_user). */
  user: string;
  /** Folder for the overlay, seed, key and console log; a temporary folder (removed afterwards) if absent. */
  workDir?: string;
  memoryMb?: number;
  cpus?: number;
  accel?: "auto" | "kvm" | "tcg";
  /** Give the overlay this virtual size (GiB) so that growpart/resizefs have something to grow. */
  diskGb?: number;
  /** Extra cloud-config keys for the user-data (merged over the defaults). */
  userData?: Record<string, unknown>;
  /** More guest ports to forward to 127.0.0.1 (ssh is always forwarded). */
  forwards?: Omit<HostForward, "hostPort">[];
  /** Let the guest reach the outside through qemu's NAT (default false: isolated). */
  outboundNetwork?: boolean;
  /** Time allowed for the boot until sshd accepts the key; default 5 min with KVM, 20 min with TCG. */
  bootTimeoutMs?: number;
  onProgress?: (line: string) => void;
}

export interface BootedVm {
  ssh: SshTarget;
  vm: RunningVm;
  workDir: string;
  /** Forwarded ports: guest port -> 127.0.0.1 port. */
  forwards: HostForward[];
  accel: "kvm" | "tcg";
  /** Milliseconds from qemu start until sshd accepted the key. */
  bootMs: number;
  run(command: string, o?: SshRunOptions): Promise<RunResult>;
  ok(command: string, o?: SshRunOptions): Promise<RunResult>;
  /**
   * Waits until systemd has finished booting and returns its state ("running", "degraded", ...).
   * sshd may answer before cloud-init is done, and cloud-init restarts sshd once: ssh failures
   * (exit 255) while waiting are retried.
   */
  waitForBoot(timeoutMs?: number): Promise<string>;
  /** Powers off (ACPI, then kill) and removes a temporary work folder. Idempotent. */
  shutdown(): Promise<void>;
}

interface ImageInfo {
  format: string;
  "virtual-size": number;
}

export async function imageInfo(path: string): Promise<ImageInfo> {
  const r = await runOk("qemu-img", ["info", "--output=json", path], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout) as ImageInfo;
}

export async function bootImage(o: BootOptions): Promise<BootedVm> {
  const progress = o.onProgress ?? (() => undefined);
  const ownDir = o.workDir === undefined;
  const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), "vmendorse-vm-"));
  const choice = o.accel === undefined || o.accel === "auto" ? await chooseAccel() : { accel: o.accel, reason: "requested" };
  const accel = choice.accel;
  let vm: RunningVm | undefined;
  const cleanup = async () => {
    if (vm) await vm.stop(accel === "kvm" ? 30_000 : 90_000);
    if (ownDir) rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const image = resolve(o.image);
    const info = await imageInfo(image);
    if (![".qcow2", ".raw", ".img", ".vmdk"].includes(extname(image)) && !["qcow2", "raw", "vmdk"].includes(info.format)) {
      throw new Error(`${image}: unsupported disk format ${info.format}`);
    }
    const overlay = join(workDir, "overlay.qcow2");
    const size = Math.max(info["virtual-size"], (o.diskGb ?? 0) * 1024 ** 3);
    await runOk("qemu-img", ["create", "-q", "-f", "qcow2", "-F", info.format, "-b", image, overlay, String(size)], { timeoutMs: 60_000 });

    const key = await makeKeyPair(workDir);
    const instanceId = `i-${randomBytes(6).toString("hex")}`;
    const seedIso = await makeSeedIso(workDir, {
      userData: cloudConfigUserData({ sshPublicKeys: [key.publicKey], ...(o.userData ? { extra: o.userData } : {}) }),
      metaData: nocloudMetaData(instanceId, "vmendorse-test"),
    });

    const sshPort = await freeLocalPort();
    const forwards: HostForward[] = [{ protocol: "tcp", hostPort: sshPort, guestPort: 22 }];
    for (const f of o.forwards ?? []) forwards.push({ ...f, hostPort: await freeLocalPort() });
    progress(`booting ${image} (${info.format}, ${(size / 1024 ** 3).toFixed(1)} GiB disk) with ${accel.toUpperCase()} (${choice.reason}), ssh on 127.0.0.1:${sshPort}`);
    const started = Date.now();
    vm = startQemu({
      disk: overlay,
      diskFormat: "qcow2",
      seedIso,
      accel,
      memoryMb: o.memoryMb ?? 1024,
      cpus: o.cpus ?? 2,
      network: { kind: "user", forwards, restrict: !o.outboundNetwork },
      serialLog: join(workDir, "console.log"),
      qmpSocket: join(workDir, "qmp.sock"),
    });
    const running = vm;
    const ssh: SshTarget = { host: "127.0.0.1", port: sshPort, user: o.user, identity: key.privateKey };
    try {
      await waitForSsh(ssh, {
        timeoutMs: o.bootTimeoutMs ?? (accel === "kvm" ? 5 * 60_000 : 20 * 60_000),
        onProgress: progress,
        abortReason: () => running.exitReason(),
        status: () => running.consoleTail(1)[0]?.slice(-120),
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast console lines:\n  ${running.consoleTail(15).join("\n  ")}`);
    }
    const bootMs = Date.now() - started;
    progress(`sshd answered after ${(bootMs / 1000).toFixed(0)} s`);
    let done = false;
    return {
      ssh,
      vm: running,
      workDir,
      forwards,
      accel,
      bootMs,
      run: (command, ro) => sshRun(ssh, command, ro),
      ok: (command, ro) => sshOk(ssh, command, ro),
      async waitForBoot(timeoutMs = accel === "kvm" ? 10 * 60_000 : 20 * 60_000) {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const r = await sshRun(ssh, "systemctl is-system-running --wait", { timeoutMs: Math.max(1_000, until - Date.now()) });
          if (r.code !== 255 && r.stdout.trim()) return r.stdout.trim();
          if (Date.now() > until) throw new Error(`the VM did not finish booting within ${Math.round(timeoutMs / 1000)} s (${r.stderr.trim() || `exit ${r.code}`})`);
          const why = running.exitReason();
          if (why) throw new Error(`the VM stopped while booting: ${why}`);
          await new Promise((w) => setTimeout(w, 3_000));
        }
      },
      async shutdown() {
        if (done) return;
        done = true;
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Boots the image, runs `fn`, and always shuts the VM down afterwards. */
export async function withBootedImage<T>(o: BootOptions, fn: (vm: BootedVm) => Promise<T>): Promise<T> {
  const vm = await bootImage(o);
  try {
    return await fn(vm);
  } finally {
    await vm.shutdown();
  }
}
