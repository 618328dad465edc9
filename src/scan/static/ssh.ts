// SSH: no host keys baked in, no authorized_keys, sshd refuses passwords and root password logins.
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";
import { effective, inMatch, readSshdConfig, where, type SshdDirective } from "./sshd-config.js";
import { homes } from "./homes.js";

const ROOT_OK = new Set(["no", "prohibit-password", "without-password", "forced-commands-only"]);

export function checkSsh(fs: RootFs): Outcome[] {
  const { directives, found } = readSshdConfig({ read: (p) => fs.readText(p), glob: (p) => fs.glob(p) });
  const installed = found || fs.exists("/usr/sbin/sshd");
  return [hostKeys(fs, directives), authorizedKeys(fs, directives), passwordAuth(installed, found, directives), rootLogin(installed, found, directives)];
}

function hostKeys(fs: RootFs, ds: SshdDirective[]): Outcome {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const report = (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    problems.push({ subject: p, message: `${p} is baked into the image; every instance would share this ${p.endsWith(".pub") ? "public " : ""}host key` });
  };
  for (const p of fs.glob("/etc/ssh/ssh_host_*")) if (fs.isFile(p)) report(p);
  for (const d of ds.filter((x) => x.keyword === "hostkey")) if (fs.isFile(d.value)) report(d.value);
  return { id: "ssh.host-keys", problems, evidence: problems.length === 0 ? ["no /etc/ssh/ssh_host_* files and no HostKey file present"] : [] };
}

function authorizedKeys(fs: RootFs, ds: SshdDirective[]): Outcome {
  const patterns = (effective(ds, "authorizedkeysfile")?.value ?? ".ssh/authorized_keys .ssh/authorized_keys2").split(/\s+/).filter((p) => p !== "none");
  const problems: Problem[] = [];
  const looked: string[] = [];
  const candidates = new Set<string>();
  for (const h of homes(fs)) {
    for (const pat of patterns) {
      const p = pat.replace(/%%/g, "\u0000").replace(/%h/g, h.dir).replace(/%u/g, h.user).replace(/%U/g, "").replace(/\u0000/g, "%");
      candidates.add(p.startsWith("/") ? p : `${h.dir}/${p}`);
    }
    // Also the default names when AuthorizedKeysFile was changed: they would work again with the default config.
    candidates.add(`${h.dir}/.ssh/authorized_keys`);
    candidates.add(`${h.dir}/.ssh/authorized_keys2`);
  }
  for (const p of [...candidates].sort()) {
    const text = fs.readText(p);
    if (text === undefined) continue;
    looked.push(p);
    const keys = text.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    if (keys.length > 0) problems.push({ subject: p, message: `${p} holds ${keys.length} key(s); keys must come from cloud-init at boot` });
  }
  return { id: "ssh.authorized-keys", problems, evidence: problems.length === 0 ? [looked.length === 0 ? "no authorized_keys file in any home directory" : `only empty files: ${looked.join(", ")}`] : [] };
}

function passwordAuth(installed: boolean, found: boolean, ds: SshdDirective[]): Outcome {
  const id = "ssh.password-authentication";
  if (!installed) return { id, problems: [], evidence: ["sshd is not installed"] };
  if (!found) return { id, problems: [{ subject: "/etc/ssh/sshd_config", message: "sshd is installed but /etc/ssh/sshd_config is missing: its defaults allow passwords" }], evidence: [] };
  const problems: Problem[] = [];
  const evidence: string[] = [];
  // Defaults of OpenSSH when a keyword is not set.
  const rules: { keyword: string; name: string; defaultValue: string; bad: (v: string) => boolean }[] = [
    { keyword: "passwordauthentication", name: "PasswordAuthentication", defaultValue: "yes", bad: (v) => v.toLowerCase() !== "no" },
    { keyword: "kbdinteractiveauthentication", name: "KbdInteractiveAuthentication", defaultValue: "yes", bad: (v) => v.toLowerCase() !== "no" },
    { keyword: "permitemptypasswords", name: "PermitEmptyPasswords", defaultValue: "no", bad: (v) => v.toLowerCase() !== "no" },
  ];
  for (const r of rules) {
    // ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication.
    const set = effective(ds, r.keyword) ?? (r.keyword === "kbdinteractiveauthentication" ? effective(ds, "challengeresponseauthentication") : undefined);
    const value = set?.value ?? r.defaultValue;
    if (r.bad(value)) problems.push({ subject: r.name, message: set ? `${r.name} ${set.value} (${where(set)})` : `${r.name} is not set, and sshd's default is ${r.defaultValue}` });
    else evidence.push(set ? `${r.name} ${set.value} (${where(set)})` : `${r.name} ${r.defaultValue} (default)`);
    for (const d of inMatch(ds, r.keyword)) if (r.bad(d.value)) problems.push({ subject: `${r.name} in Match ${d.match}`, message: `${r.name} ${d.value} for Match ${d.match} (${where(d)})` });
  }
  return { id, problems, evidence };
}

function rootLogin(installed: boolean, found: boolean, ds: SshdDirective[]): Outcome {
  const id = "ssh.root-login";
  if (!installed) return { id, problems: [], evidence: ["sshd is not installed"] };
  if (!found) return { id, problems: [{ subject: "/etc/ssh/sshd_config", message: "sshd is installed but /etc/ssh/sshd_config is missing" }], evidence: [] };
  const problems: Problem[] = [];
  const set = effective(ds, "permitrootlogin");
  // OpenSSH >= 7.0 defaults to prohibit-password.
  const value = (set?.value ?? "prohibit-password").toLowerCase();
  if (!ROOT_OK.has(value)) problems.push({ subject: "PermitRootLogin", message: `PermitRootLogin ${set?.value ?? value}${set ? ` (${where(set)})` : ""}: root may log in with a password` });
  for (const d of inMatch(ds, "permitrootlogin")) {
    if (!ROOT_OK.has(d.value.toLowerCase())) problems.push({ subject: `PermitRootLogin in Match ${d.match}`, message: `PermitRootLogin ${d.value} for Match ${d.match} (${where(d)})` });
  }
  return { id, problems, evidence: problems.length === 0 ? [set ? `PermitRootLogin ${set.value} (${where(set)})` : "PermitRootLogin prohibit-password (default)"] : [] };
}
