// Accounts: shadow passwords, root locked, no usable password, a single UID 0 (from /etc/passwd, /etc/shadow).
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";

export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  home: string;
  shell: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#") && !l.startsWith("+") && !l.startsWith("-"))
    .map((l) => {
      const f = l.split(":");
      return { name: f[0] ?? "", password: f[1] ?? "", uid: Number(f[2] ?? NaN), home: f[5] ?? "", shell: f[6] ?? "" };
    });
}

export function parseShadow(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of text.split("\n")) {
    if (l.trim() === "" || l.startsWith("#")) continue;
    const f = l.split(":");
    m.set(f[0] ?? "", f[1] ?? "");
  }
  return m;
}

/** A password field that allows no login: locked ("!..."), disabled ("*"), or no-login marker. */
export function isLocked(field: string): boolean {
  return field.startsWith("!") || field.startsWith("*");
}

export function describeField(field: string): string {
  if (field === "") return "an empty password (login without password)";
  if (/^\$(1|2[abxy]?|5|6|7|y|gy|sha1|md5)\$/.test(field)) return `a ${field.split("$")[1]} password hash`;
  return "a usable password";
}

export function checkAccounts(fs: RootFs): Outcome[] {
  const passwdText = fs.readText("/etc/passwd");
  const shadowText = fs.readText("/etc/shadow");
  if (passwdText === undefined) {
    const missing = { subject: "/etc/passwd", message: "/etc/passwd is missing: the accounts cannot be checked" };
    return ["accounts.shadowed", "accounts.root-locked", "accounts.passwords", "accounts.uid0"].map((id) => ({ id, problems: [missing], evidence: [] }));
  }
  const users = parsePasswd(passwdText);
  const shadow = shadowText === undefined ? new Map<string, string>() : parseShadow(shadowText);

  const shadowed: Problem[] = [];
  if (shadowText === undefined) shadowed.push({ subject: "/etc/shadow", message: "/etc/shadow is missing" });
  for (const u of users) {
    if (u.password !== "x") shadowed.push({ subject: u.name, message: `${u.name} has ${u.password === "" ? "an empty password field" : "a password hash"} in /etc/passwd instead of 'x'` });
    else if (shadowText !== undefined && !shadow.has(u.name)) shadowed.push({ subject: u.name, message: `${u.name} has no /etc/shadow entry` });
  }

  const rootShadow = shadow.get("root");
  const root: Problem[] = [];
  if (rootShadow === undefined) root.push({ subject: "root", message: "root has no /etc/shadow entry" });
  else if (!isLocked(rootShadow)) root.push({ subject: "root", message: `root has ${describeField(rootShadow)}; lock it (passwd --lock root)` });

  // Usable passwords in either file; root is reported by its own check too (both are checklist items).
  const usable: Problem[] = [];
  for (const u of users) {
    const field = u.password === "x" ? shadow.get(u.name) : u.password;
    if (field !== undefined && !isLocked(field)) usable.push({ subject: u.name, message: `${u.name} has ${describeField(field)}` });
  }
  for (const [name, field] of shadow) {
    if (!users.some((u) => u.name === name) && !isLocked(field)) usable.push({ subject: name, message: `${name} (only in /etc/shadow) has ${describeField(field)}` });
  }

  const uid0 = users.filter((u) => u.uid === 0 && u.name !== "root").map((u) => ({ subject: u.name, message: `${u.name} has user id 0` }));

  return [
    { id: "accounts.shadowed", problems: shadowed, evidence: [`${users.length} accounts in /etc/passwd`] },
    { id: "accounts.root-locked", problems: root, evidence: rootShadow !== undefined && isLocked(rootShadow) ? ["root's password is locked"] : [] },
    { id: "accounts.passwords", problems: usable, evidence: [`${shadow.size} shadow entries, all locked`].filter(() => usable.length === 0) },
    { id: "accounts.uid0", problems: uid0, evidence: uid0.length === 0 ? ["only root has UID 0"] : [] },
  ];
}
