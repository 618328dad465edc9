// A Debian 12 root filesystem configured the way an endorsable image should be (host keys removed,
// sshd without passwords, root locked, nftables dropping all but ssh, cloud-init defaults), built once
// with mmdebstrap and cached under .vmendorse/cache/ so that the static-check tests stay cheap.
// Bad variants are overlay mounts on top of it (test/scan/variants.ts): the base is never modified.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PROJECT = join(import.meta.dirname, "..", "..");
export const CACHE = join(PROJECT, ".vmendorse", "cache");

export const BASE_PACKAGES = ["systemd-sysv", "openssh-server", "cloud-init", "cloud-guest-utils", "curl", "ca-certificates", "sudo", "nftables"];

export const GOOD_NFTABLES = `#!/usr/sbin/nft -f
flush ruleset
table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif "lo" accept
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport 22 accept
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
  }
  chain output {
    type filter hook output priority filter; policy accept;
  }
}
`;

const HOOKS = [
  'rm -f "$1"/etc/ssh/ssh_host_*',
  'printf "PasswordAuthentication no\\nKbdInteractiveAuthentication no\\nPermitRootLogin prohibit-password\\n" > "$1"/etc/ssh/sshd_config.d/50-endorsed.conf',
  'chroot "$1" passwd --lock root',
  'chroot "$1" systemctl enable nftables.service',
  'rm -f "$1"/etc/machine-id && touch "$1"/etc/machine-id',
  'chroot "$1" apt-get clean',
  'rm -rf "$1"/var/lib/apt/lists/*',
];

function key(): string {
  return createHash("sha256").update(JSON.stringify({ BASE_PACKAGES, GOOD_NFTABLES, HOOKS, v: 1 })).digest("hex").slice(0, 12);
}

/** Path of the cached base rootfs, building it first if needed (a few minutes, once). */
export function baseRootfs(): string {
  const dir = join(CACHE, `scan-base-${key()}`);
  const rootfs = join(dir, "rootfs");
  if (existsSync(join(dir, "complete"))) return rootfs;
  mkdirSync(CACHE, { recursive: true });
  const lock = `${dir}.lock`;
  // Several test files may ask at once: one builds, the others wait for the "complete" marker.
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch {
      if (existsSync(join(dir, "complete"))) return rootfs;
      // A lock older than 30 minutes was left by a killed build.
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 30 * 60_000) rmSync(lock, { force: true });
      execFileSync("sleep", ["2"]);
    }
  }
  try {
    if (existsSync(join(dir, "complete"))) return rootfs;
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const nft = join(tmp, "nftables.conf");
    writeFileSync(nft, GOOD_NFTABLES);
    execFileSync(
      "mmdebstrap",
      [
        "--mode=root",
        "--variant=apt",
        "--quiet",
        `--include=${BASE_PACKAGES.join(",")}`,
        `--customize-hook=cp ${nft} "$1"/etc/nftables.conf`,
        ...HOOKS.map((h) => `--customize-hook=${h}`),
        "bookworm",
        join(tmp, "rootfs"),
        "deb http://deb.debian.org/debian bookworm main",
        "deb http://deb.debian.org/debian bookworm-updates main",
        "deb http://deb.debian.org/debian-security bookworm-security main",
      ],
      { stdio: ["ignore", "inherit", "inherit"], timeout: 20 * 60_000 },
    );
    writeFileSync(join(tmp, "complete"), new Date().toISOString() + "\n");
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return rootfs;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** When the cached base was built (its packages were current from the archive at that time). */
export function baseBuiltAt(): string {
  return readFileSync(join(CACHE, `scan-base-${key()}`, "complete"), "utf8").trim();
}
