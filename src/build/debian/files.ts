// Configuration files written into a Debian image (pure: text from image.yaml). They apply the seed
// procedure: cloud-init with no datasource pinned, root disabled, no passwords, growpart + resizefs,
// package update/upgrade at first boot; sshd with keys only; a firewall open only on declared ports;
// a serial console so that clouds and tests can read the boot log.
import { stringify } from "yaml";
import type { ImageSpec, Port } from "../../model/types.js";

export interface FileSpec {
  content: string;
  mode: number;
}

/** Kernel command line: the serial console is where clouds (and qemu tests) read the boot log. */
export const KERNEL_CMDLINE = "console=tty0 console=ttyS0,115200n8";

export function cloudInitConfig(spec: ImageSpec): string {
  const config = {
    // No datasource_list: cloud-init's ds-identify finds OpenStack, OpenNebula, EC2, NoCloud, ... itself.
    disable_root: true,
    ssh_pwauth: false,
    ssh_deletekeys: true,
    ssh_genkeytypes: ["rsa", "ecdsa", "ed25519"],
    users: ["default"],
    system_info: {
      default_user: {
        name: spec.os.admin_user,
        lock_passwd: true,
        sudo: ["ALL=(ALL) NOPASSWD:ALL"],
        shell: "/bin/bash",
      },
    },
    growpart: { mode: "auto", devices: ["/"] },
    resize_rootfs: true,
    package_update: true,
    package_upgrade: true,
    package_reboot_if_required: false,
    manage_etc_hosts: true,
    // C.UTF-8 needs no generated locale (a generated default like en_US.UTF-8 would fail without one).
    locale: "C.UTF-8",
  };
  return [
    "# Image endorsement procedure (vmendorse): cloud-init settings of this image.",
    "# No datasource is pinned, so that the image works on OpenStack, OpenNebula and other clouds.",
    stringify(config),
  ].join("\n");
}

export function sshdHardening(): string {
  return [
    "# Image endorsement procedure (vmendorse): keys only, no root login.",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitEmptyPasswords no",
    "PermitRootLogin no",
    "X11Forwarding no",
    "",
  ].join("\n");
}

/** The image ships without host keys; cloud-init makes them at first boot, and this covers a boot without cloud-init. */
export function sshHostKeysDropIn(): string {
  return [
    "# Host keys are created on first boot, never baked into the image.",
    "[Service]",
    "ExecStartPre=",
    "ExecStartPre=/usr/bin/ssh-keygen -A",
    "ExecStartPre=/usr/sbin/sshd -t",
    "",
  ].join("\n");
}

export function fstab(rootUuid: string): string {
  return `# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=${rootUuid} / ext4 rw,discard,errors=remount-ro 0 1\n`;
}

export function grubDefaults(): string {
  return [
    "# Used by update-grub when a kernel update rewrites /boot/grub/grub.cfg.",
    "GRUB_DEFAULT=0",
    "GRUB_TIMEOUT=1",
    "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`",
    'GRUB_CMDLINE_LINUX_DEFAULT=""',
    `GRUB_CMDLINE_LINUX="${KERNEL_CMDLINE}"`,
    'GRUB_TERMINAL="console serial"',
    'GRUB_SERIAL_COMMAND="serial --speed=115200"',
    "GRUB_DISABLE_OS_PROBER=true",
    "GRUB_DISABLE_RECOVERY=true",
    "",
  ].join("\n");
}

/** Configuration embedded in GRUB's core image: find the root file system by UUID, load the rest from it. */
export function grubEarlyConfig(rootUuid: string): string {
  return `search.fs_uuid ${rootUuid} root\nset prefix=($root)/boot/grub\n`;
}

/** The first grub.cfg; update-grub replaces it (same settings, from /etc/default/grub) on kernel updates. */
export function grubConfig(rootUuid: string, kernelVersion: string, title: string): string {
  return [
    "# Written when the image was built; update-grub rewrites it from /etc/default/grub.",
    "set default=0",
    "set timeout=1",
    "serial --speed=115200",
    "terminal_input console serial",
    "terminal_output console serial",
    `search --no-floppy --fs-uuid --set=root ${rootUuid}`,
    `menuentry '${title.replace(/'/g, "")}' {`,
    `  linux /boot/vmlinuz-${kernelVersion} root=UUID=${rootUuid} ro ${KERNEL_CMDLINE}`,
    `  initrd /boot/initrd.img-${kernelVersion}`,
    "}",
    "",
  ].join("\n");
}

/**
 * nftables ruleset: inbound traffic only to the ports image.yaml declares, for IPv4 and IPv6 alike.
 * ICMP stays open (IPv6 needs it for neighbour discovery; sites monitor with ping).
 */
export function nftablesConfig(ports: Port[]): string {
  const list = (proto: "tcp" | "udp") => [...new Set(ports.filter((p) => p.protocol === proto).map((p) => p.port))].sort((a, b) => a - b);
  const rule = (proto: "tcp" | "udp") => {
    const ps = list(proto);
    return ps.length === 0 ? [] : [`    ${proto} dport { ${ps.join(", ")} } accept`];
  };
  return [
    "#!/usr/sbin/nft -f",
    "# Image endorsement procedure (vmendorse): inbound traffic only to the ports declared in image.yaml.",
    "flush ruleset",
    "",
    "table inet filter {",
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    "    ct state established,related accept",
    "    ct state invalid drop",
    '    iifname "lo" accept',
    "    meta l4proto { icmp, ipv6-icmp } accept",
    "    ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept",
    ...rule("tcp"),
    ...rule("udp"),
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    "  }",
    "  chain output {",
    "    type filter hook output priority filter; policy accept;",
    "  }",
    "}",
    "",
  ].join("\n");
}

export function networkInterfaces(): string {
  return [
    "# cloud-init writes the configuration of the network interfaces to /etc/network/interfaces.d/.",
    "auto lo",
    "iface lo inet loopback",
    "",
    "source /etc/network/interfaces.d/*",
    "",
  ].join("\n");
}

export function etcHosts(): string {
  return "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n";
}

/** Files to write into the root file system (paths relative to it) for an image with this root UUID. */
export function configFiles(spec: ImageSpec, rootUuid: string, packages: readonly string[]): Map<string, FileSpec> {
  const files = new Map<string, FileSpec>([
    ["etc/cloud/cloud.cfg.d/90-vmendorse.cfg", { content: cloudInitConfig(spec), mode: 0o644 }],
    ["etc/ssh/sshd_config.d/50-vmendorse.conf", { content: sshdHardening(), mode: 0o644 }],
    ["etc/systemd/system/ssh.service.d/10-host-keys.conf", { content: sshHostKeysDropIn(), mode: 0o644 }],
    ["etc/fstab", { content: fstab(rootUuid), mode: 0o644 }],
    ["etc/default/grub", { content: grubDefaults(), mode: 0o644 }],
    ["etc/default/locale", { content: "LANG=C.UTF-8\n", mode: 0o644 }],
    ["etc/network/interfaces", { content: networkInterfaces(), mode: 0o644 }],
    ["etc/hosts", { content: etcHosts(), mode: 0o644 }],
    ["etc/hostname", { content: "localhost\n", mode: 0o644 }],
    // Empty: systemd creates a new machine id on first boot (an image must not share one).
    ["etc/machine-id", { content: "", mode: 0o444 }],
  ]);
  if (packages.includes("nftables")) files.set("etc/nftables.conf", { content: nftablesConfig(spec.ports), mode: 0o755 });
  return files;
}
