// The mmdebstrap command line for an image (pure). Packages come from the suite, its -updates and its
// -security suites together, so apt installs the newest version of every package: the image starts
// with all updates applied, and keeps those sources for unattended-upgrades.
import type { MmdebstrapBuilder } from "../../model/types.js";

export const DEFAULT_MIRROR = "http://deb.debian.org/debian";
export const DEFAULT_SECURITY_MIRROR = "http://deb.debian.org/debian-security";

/**
 * Packages every Debian image gets in addition to image.yaml's list: what the disk needs to boot
 * (init, kernel modules, initramfs, boot loader, file system tools), to get an address (ifupdown with
 * a DHCP client, which cloud-init configures), the system bus systemd-logind needs, and the pieces
 * the endorsement procedure requires (openssh-server, cloud-init with growpart).
 */
export const BASE_PACKAGES = [
  "systemd-sysv", "udev", "kmod", "dbus", "initramfs-tools", "e2fsprogs",
  "grub-pc-bin", "grub2-common",
  "ifupdown", "isc-dhcp-client", "netbase",
  "openssh-server", "cloud-init", "cloud-guest-utils",
] as const;

/** Written inside the root file system by the customize hook: upgrades apt would still make (must be none). */
export const PENDING_UPGRADES_FILE = "tmp/vmendorse-pending-upgrades.txt";

export function sourcesLines(b: MmdebstrapBuilder): string[] {
  const components = (b.components ?? ["main"]).join(" ");
  const mirror = b.mirror ?? DEFAULT_MIRROR;
  const security = b.security_mirror ?? DEFAULT_SECURITY_MIRROR;
  return [
    `deb ${mirror} ${b.suite} ${components}`,
    `deb ${mirror} ${b.suite}-updates ${components}`,
    `deb ${security} ${b.suite}-security ${components}`,
  ];
}

export function imagePackages(b: MmdebstrapBuilder): string[] {
  return [...new Set([...BASE_PACKAGES, ...b.packages])].sort();
}

export interface MmdebstrapOptions {
  rootfs: string;
  /** Folder of .deb files kept between builds (development speed-up; apt still picks the newest). */
  debCache?: string;
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export function mmdebstrapArgs(b: MmdebstrapBuilder, o: MmdebstrapOptions): string[] {
  const args = [
    "--mode=root",
    "--variant=minbase",
    "--format=directory",
    `--include=${imagePackages(b).join(",")}`,
    // Belt and braces: upgrade anything not yet at its newest version, then record what apt would
    // still upgrade (the build fails unless that is nothing).
    `--customize-hook=chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold dist-upgrade`,
    `--customize-hook=chroot "$1" apt-get -s -q dist-upgrade | grep '^Inst ' > "$1/${PENDING_UPGRADES_FILE}" || true`,
  ];
  if (o.debCache) {
    args.push(
      `--setup-hook=mkdir -p "$1"/var/cache/apt/archives/`,
      `--setup-hook=sync-in ${q(o.debCache)} /var/cache/apt/archives/`,
      `--customize-hook=sync-out /var/cache/apt/archives ${q(o.debCache)}`,
    );
  }
  return [...args, b.suite, o.rootfs, ...sourcesLines(b)];
}
