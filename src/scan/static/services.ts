// Enabled services: everything systemd starts at boot (wants/requires links in /etc and /usr/lib,
// SysV rc scripts without a native unit) must be sshd, a system service that opens no network
// port, or declared with a justification in image.yaml `services`.
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";

const UNIT_DIRS = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];
const LINK_DIRS = /\.(wants|requires|upholds)$/;

// Services that are part of a minimal cloud system and do not listen on the network.
const BASELINE: RegExp[] = [
  /^sshd?\.(service|socket)$/,
  /^ssh@\.service$/,
  /^cloud-(init|init-local|config|final)\.service$/,
  /^cloud-init-hotplugd\.(service|socket)$/,
  /^systemd-.*\.(service|socket)$/,
  /^(serial-)?getty@\.service$/,
  /^(getty-static|console-getty|container-getty@)\.service$/,
  /^(cron|crond|anacron|atd)\.service$/,
  /^(rsyslog|syslog|syslog-ng)\.service$/,
  /^(nftables|netfilter-persistent|iptables|ip6tables|ufw|firewalld)\.service$/,
  /^(networking|ifupdown-pre|ifup@|NetworkManager|NetworkManager-wait-online|NetworkManager-dispatcher|network|wicked)\.service$/,
  /^(unattended-upgrades|apt-daily|apt-daily-upgrade|dnf-makecache|dnf-automatic)\.service$/,
  /^(e2scrub_reap|e2scrub_all|fstrim|dpkg-db-backup|logrotate|man-db)\.service$/,
  /^(dbus|dbus-broker|polkit)\.(service|socket)$/,
  /^(kmod-static-nodes|keyboard-setup|console-setup|setvtrgb|hwclock|procps|sudo|rc-local)\.service$/,
  /^(apparmor|auditd|selinux-autorelabel-mark|haveged|rng-tools|rngd|irqbalance|acpid|tuned|sysstat|smartd|qemu-guest-agent|chrony|chronyd)\.service$/,
  /^(lvm2-.*|blk-availability|mdmonitor|multipathd|dm-event|iscsid|open-iscsi)\.(service|socket)$/,
  /^(grub-common|grub-initrd-fallback|grub-boot-indeterminate|kdump|kdump-tools|import-state|loadmodules|microcode)\.service$/,
  /^(growroot|cloud-initramfs-growroot|resize-rootfs)\.service$/,
];

export interface EnabledUnit {
  unit: string;
  /** Where the enabling link (or rc script) is. */
  via: string;
}

export function enabledUnits(fs: RootFs): EnabledUnit[] {
  const masked = new Set(fs.list("/etc/systemd/system").filter((n) => fs.resolveImagePath(`/etc/systemd/system/${n}`) === "/dev/null"));
  const units = new Map<string, EnabledUnit>();
  for (const dir of UNIT_DIRS) {
    for (const sub of fs.list(dir)) {
      if (!LINK_DIRS.test(sub)) continue;
      for (const unit of fs.list(`${dir}/${sub}`)) {
        if (!/\.(service|socket)$/.test(unit) || masked.has(unit) || units.has(unit)) continue;
        units.set(unit, { unit, via: `${dir}/${sub}/${unit}` });
      }
    }
  }
  // SysV scripts started in a multi-user runlevel, when no native unit of that name exists.
  for (const rc of ["/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d"]) {
    for (const link of fs.list(rc)) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (!m) continue;
      const unit = `${m[1]}.service`;
      if (units.has(unit) || masked.has(unit) || UNIT_DIRS.some((d) => fs.exists(`${d}/${unit}`))) continue;
      units.set(unit, { unit, via: `${rc}/${link} (SysV)` });
    }
  }
  return [...units.values()].sort((a, b) => a.unit.localeCompare(b.unit));
}

/** Template instances (getty@tty1.service) are judged by their template (getty@.service). */
const template = (unit: string) => unit.replace(/@[^.]*\./, "@.");

export function checkServices(fs: RootFs, declared: { name: string }[]): Outcome {
  const allowed = new Set(declared.flatMap((d) => [d.name, /\.(service|socket)$/.test(d.name) ? d.name : `${d.name}.service`]));
  const units = enabledUnits(fs);
  const problems: Problem[] = [];
  const ok: string[] = [];
  for (const u of units) {
    const t = template(u.unit);
    if (allowed.has(u.unit) || allowed.has(t)) ok.push(`${u.unit} (declared)`);
    else if (BASELINE.some((re) => re.test(t))) ok.push(u.unit);
    else problems.push({ subject: u.unit, message: `${u.unit} is enabled (${u.via}) but is neither sshd, a non-network system service, nor declared in image.yaml services` });
  }
  return { id: "services.enabled", problems, evidence: [`${units.length} enabled services/sockets; allowed: ${ok.join(", ") || "none"}`] };
}
