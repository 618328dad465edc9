// The security checklist (hardening guidelines of the seed procedure): one entry per item, with a
// stable id. Waivers in image.yaml name these ids; changing an id breaks existing waivers.
import type { CheckDef } from "./types.js";

export const CHECKS: readonly CheckDef[] = [
  // Credentials
  { id: "credentials.private-keys", phase: "static", title: "No private keys", description: "No PEM/OpenSSH/PuTTY/PGP private key anywhere in the filesystem (ssh host keys are a separate check)." },
  { id: "credentials.x509", phase: "static", title: "No X.509 keys or proxies", description: "No X.509 proxy (x509up_*), certificate bundled with its key, PKCS#12 file, or grid credential (~/.globus, /etc/grid-security host key)." },
  { id: "credentials.files", phase: "static", title: "No stored credentials", description: "No credential files in home directories (.netrc, .git-credentials, .aws/credentials, .docker/config.json, .pgpass, .kube/config, ...)." },
  // SSH
  { id: "ssh.host-keys", phase: "static", title: "No ssh host keys baked in", description: "/etc/ssh/ssh_host_* keys are absent, so each instance generates its own." },
  { id: "ssh.authorized-keys", phase: "static", title: "No authorized_keys", description: "No account has an authorized_keys file with keys; keys are injected by cloud-init at boot." },
  { id: "ssh.password-authentication", phase: "static", title: "sshd: PasswordAuthentication no", description: "The effective sshd configuration disables password (and keyboard-interactive) authentication and empty passwords, also inside Match blocks." },
  { id: "ssh.root-login", phase: "static", title: "sshd: no root login with a password", description: "PermitRootLogin is no, prohibit-password or forced-commands-only." },
  // Accounts
  { id: "accounts.shadowed", phase: "static", title: "Shadow passwords", description: "Every account in /etc/passwd has 'x' as password field (hashes only in /etc/shadow)." },
  { id: "accounts.root-locked", phase: "static", title: "root password locked", description: "root's password in /etc/shadow is locked ('!' or '*')." },
  { id: "accounts.passwords", phase: "static", title: "No account with a usable password", description: "No account has a password hash or an empty password: every shadow entry is locked." },
  { id: "accounts.uid0", phase: "static", title: "Only root has UID 0", description: "No account other than root has user id 0." },
  // Services and firewall
  { id: "services.enabled", phase: "static", title: "No enabled services but sshd", description: "Enabled systemd services and sockets are sshd, non-network system services, or declared in image.yaml services." },
  { id: "firewall.ipv4", phase: "static", title: "IPv4 firewall minimally open", description: "A firewall loaded at boot drops IPv4 input by default and accepts only the ports declared in image.yaml." },
  { id: "firewall.ipv6", phase: "static", title: "IPv6 firewall minimally open", description: "A firewall loaded at boot drops IPv6 input by default and accepts only the ports declared in image.yaml." },
  // cloud-init
  { id: "cloudinit.datasource", phase: "static", title: "cloud-init: no datasource pinned", description: "datasource_list is unset or keeps the federation's datasources (OpenStack, OpenNebula, ConfigDrive), so the image works on every site." },
  { id: "cloudinit.disable-root", phase: "static", title: "cloud-init: disable_root", description: "disable_root is not turned off: cloud-init does not let root log in with the injected key." },
  { id: "cloudinit.passwords", phase: "static", title: "cloud-init: no passwords", description: "No ssh_pwauth, no password/chpasswd, default user keeps lock_passwd." },
  { id: "cloudinit.growpart", phase: "static", title: "cloud-init: growpart and resizefs", description: "The growpart and resizefs modules run and are not switched off, so the root disk grows to the flavour's size." },
  { id: "cloudinit.package-upgrade", phase: "static", title: "cloud-init: package update/upgrade", description: "The package-update-upgrade-install module runs, so users can have packages updated at first boot." },
  { id: "cloudinit.clean", phase: "static", title: "cloud-init: no leftover instance state", description: "No /var/lib/cloud instance data or cloud-init logs from a build-time boot (they may hold user-data secrets)." },
  // Files and packages
  { id: "files.shell-history", phase: "static", title: "No shell histories", description: "No non-empty shell or REPL history files in any home directory." },
  { id: "image.size", phase: "static", title: "Image size within the limit", description: "The distributed image file is no larger than image.yaml scan.max_size_mb (1536 MB when unset)." },
  { id: "image.size-recommended", phase: "static", title: "Image size below 1.5 GB", description: "The distributed image file is below the seed procedure's 1.5 GB recommendation." },
  { id: "packages.updates", phase: "static", title: "All packages at the archive's latest version", description: "Simulating an upgrade against the image's archive (including its security suite) installs nothing." },
  // Booted image
  { id: "network.tcp-ports", phase: "dynamic", title: "nmap: only declared TCP ports open", description: "A scan of all 65535 TCP ports from outside the VM finds only the ports declared in image.yaml." },
  { id: "network.udp-ports", phase: "dynamic", title: "nmap: only declared UDP ports open", description: "A scan of the common UDP ports and the declared ones finds no undeclared open port." },
  { id: "network.listening", phase: "dynamic", title: "Only declared ports listening", description: "Inside the running VM, no socket listens on a non-loopback address except the declared ports." },
  { id: "lynis.hardening-index", phase: "dynamic", title: "Lynis hardening index", description: "lynis audit system's hardening index is at least image.yaml scan.lynis_min_index." },
  { id: "lynis.warnings", phase: "dynamic", title: "Lynis warnings explained or fixed", description: "lynis reports no warning, or each one is waived with an explanation." },
];

export const CHECK_IDS = new Set(CHECKS.map((c) => c.id));

export function checkDef(id: string): CheckDef {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown check id ${id}`);
  return c;
}
