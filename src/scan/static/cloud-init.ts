// cloud-init settings from the seed procedure: no datasource pinned, disable_root, no passwords,
// growpart + resizefs, package update/upgrade; plus no instance state left from a build-time boot.
// The system configuration is /etc/cloud/cloud.cfg merged with /etc/cloud/cloud.cfg.d/*.cfg in
// lexical order (later files override keys; mappings merge, lists are replaced).
import { parse } from "yaml";
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";

/** Datasources every site of the federation may use; a datasource_list without them pins the image. */
export const FEDERATION_DATASOURCES = ["OpenStack", "OpenNebula", "ConfigDrive"];

type Cfg = Record<string, unknown>;

export interface CloudConfig {
  merged: Cfg;
  /** Which file last set each top-level key. */
  origin: Map<string, string>;
  files: string[];
  errors: Problem[];
}

export function readCloudConfig(fs: RootFs): CloudConfig | undefined {
  if (!fs.isFile("/etc/cloud/cloud.cfg")) return undefined;
  const files = ["/etc/cloud/cloud.cfg", ...fs.glob("/etc/cloud/cloud.cfg.d/*.cfg")];
  const merged: Cfg = {};
  const origin = new Map<string, string>();
  const errors: Problem[] = [];
  for (const f of files) {
    const text = fs.readText(f, 1024 * 1024) ?? "";
    let data: unknown;
    try {
      data = parse(text, { maxAliasCount: 1000, uniqueKeys: false, logLevel: "silent" });
    } catch (e) {
      errors.push({ subject: f, message: `${f} is not valid YAML (cloud-init would ignore it): ${(e as Error).message.split("\n")[0]}` });
      continue;
    }
    if (data === null || data === undefined) continue;
    if (typeof data !== "object" || Array.isArray(data)) continue;
    for (const [k, v] of Object.entries(data as Cfg)) {
      merged[k] = mergeValue(merged[k], v);
      origin.set(k, f);
    }
  }
  return { merged, origin, files, errors };
}

function mergeValue(a: unknown, b: unknown): unknown {
  if (isMap(a) && isMap(b)) {
    const out: Cfg = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = mergeValue(out[k], v);
    return out;
  }
  return b;
}

const isMap = (v: unknown): v is Cfg => typeof v === "object" && v !== null && !Array.isArray(v);
const truthy = (v: unknown) => v === true || (typeof v === "string" && /^(true|yes|on|1)$/i.test(v));
const falsy = (v: unknown) => v === false || (typeof v === "string" && /^(false|no|off|0)$/i.test(v));

/** Module names of the three stages, normalised (dashes, lower case). */
function modules(cfg: Cfg): Map<string, string> {
  const out = new Map<string, string>();
  for (const stage of ["cloud_init_modules", "cloud_config_modules", "cloud_final_modules"]) {
    const list = cfg[stage];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const name = Array.isArray(entry) ? entry[0] : entry;
      if (typeof name === "string") out.set(name.toLowerCase().replace(/_/g, "-").replace(/^cc-/, ""), stage);
    }
  }
  return out;
}

export function checkCloudInit(fs: RootFs): Outcome[] {
  const cc = readCloudConfig(fs);
  const ids = ["cloudinit.datasource", "cloudinit.disable-root", "cloudinit.passwords", "cloudinit.growpart", "cloudinit.package-upgrade"];
  if (!cc) {
    const p = { subject: "cloud-init", message: "cloud-init is not installed (/etc/cloud/cloud.cfg missing): instances cannot receive keys or settings from the site" };
    return [...ids.map((id) => ({ id, problems: [p], evidence: [] })), clean(fs)];
  }
  const { merged: cfg, origin } = cc;
  const from = (k: string) => origin.get(k) ?? "defaults";
  const read = `read ${cc.files.join(", ")}`;

  // Datasource
  const ds: Problem[] = [...cc.errors];
  const list = cfg.datasource_list;
  if (list !== undefined) {
    const names = (Array.isArray(list) ? list : [list]).map(String);
    const missing = FEDERATION_DATASOURCES.filter((d) => !names.includes(d));
    if (missing.length > 0) ds.push({ subject: "datasource_list", message: `datasource_list [${names.join(", ")}] (${from("datasource_list")}) leaves out ${missing.join(", ")}: the image would not work on every site` });
  }
  const dsIdentify = fs.readText("/etc/cloud/ds-identify.cfg");
  if (dsIdentify && /^\s*datasource:\s*\S/m.test(dsIdentify)) ds.push({ subject: "/etc/cloud/ds-identify.cfg", message: "/etc/cloud/ds-identify.cfg pins a datasource" });

  // disable_root
  const dr: Problem[] = [];
  if (falsy(cfg.disable_root)) dr.push({ subject: "disable_root", message: `disable_root: false (${from("disable_root")}): root may log in with the injected key` });

  // Passwords
  const pw: Problem[] = [];
  if (truthy(cfg.ssh_pwauth) || cfg.ssh_pwauth === "unchanged") {
    if (cfg.ssh_pwauth !== "unchanged") pw.push({ subject: "ssh_pwauth", message: `ssh_pwauth: ${String(cfg.ssh_pwauth)} (${from("ssh_pwauth")}) turns sshd password login on` });
  }
  if (cfg.password !== undefined) pw.push({ subject: "password", message: `a password is set for the default user (${from("password")})` });
  const chpasswd = cfg.chpasswd;
  if (isMap(chpasswd) && (chpasswd.list !== undefined || chpasswd.users !== undefined)) pw.push({ subject: "chpasswd", message: `chpasswd sets passwords (${from("chpasswd")})` });
  const sysInfo = isMap(cfg.system_info) ? cfg.system_info : {};
  const users: unknown[] = [...(Array.isArray(cfg.users) ? cfg.users : []), ...(isMap(sysInfo.default_user) ? [sysInfo.default_user] : [])];
  for (const u of users) {
    if (!isMap(u)) continue;
    const name = String(u.name ?? "default user");
    for (const k of ["passwd", "hashed_passwd", "plain_text_passwd"]) if (u[k] !== undefined) pw.push({ subject: `${name}.${k}`, message: `user ${name} gets a password (${k})` });
    if (falsy(u.lock_passwd)) pw.push({ subject: `${name}.lock_passwd`, message: `user ${name} has lock_passwd: false` });
  }

  // growpart + resizefs
  const mods = modules(cfg);
  const gp: Problem[] = [];
  for (const m of ["growpart", "resizefs"]) if (!mods.has(m)) gp.push({ subject: m, message: `module ${m} is not in any cloud_*_modules list` });
  const growpart = isMap(cfg.growpart) ? cfg.growpart : undefined;
  if (growpart && (falsy(growpart.mode) || growpart.mode === "off")) gp.push({ subject: "growpart.mode", message: `growpart mode is off (${from("growpart")})` });
  if (falsy(cfg.resize_rootfs)) gp.push({ subject: "resize_rootfs", message: `resize_rootfs: false (${from("resize_rootfs")})` });

  // package update/upgrade
  const pu: Problem[] = [];
  if (!mods.has("package-update-upgrade-install")) pu.push({ subject: "package-update-upgrade-install", message: "module package-update-upgrade-install is not in any cloud_*_modules list" });

  const ev = (p: Problem[], text: string) => (p.length === 0 ? [text, read] : [read]);
  return [
    { id: "cloudinit.datasource", problems: ds, evidence: ev(ds, list === undefined ? "datasource_list not set: cloud-init detects the site's datasource" : `datasource_list: [${(Array.isArray(list) ? list : [list]).map(String).join(", ")}]`) },
    { id: "cloudinit.disable-root", problems: dr, evidence: ev(dr, cfg.disable_root === undefined ? "disable_root not set (cloud-init default: true)" : `disable_root: ${String(cfg.disable_root)} (${from("disable_root")})`) },
    { id: "cloudinit.passwords", problems: pw, evidence: ev(pw, `ssh_pwauth ${cfg.ssh_pwauth === undefined ? "not set" : String(cfg.ssh_pwauth)}, no password settings, default user lock_passwd ${String((sysInfo.default_user as Cfg | undefined)?.lock_passwd ?? "default (true)")}`) },
    { id: "cloudinit.growpart", problems: gp, evidence: ev(gp, `growpart in ${mods.get("growpart")}, resizefs in ${mods.get("resizefs")}`) },
    { id: "cloudinit.package-upgrade", problems: pu, evidence: ev(pu, `package-update-upgrade-install in ${mods.get("package-update-upgrade-install")}`) },
    clean(fs),
  ];
}

function clean(fs: RootFs): Outcome {
  const problems: Problem[] = [];
  const instances = fs.list("/var/lib/cloud/instances");
  if (instances.length > 0) problems.push({ subject: "/var/lib/cloud/instances", message: `instance state of ${instances.join(", ")} is left in /var/lib/cloud/instances (run cloud-init clean)` });
  if (fs.lstat("/var/lib/cloud/instance")) problems.push({ subject: "/var/lib/cloud/instance", message: "/var/lib/cloud/instance is left from a boot (run cloud-init clean)" });
  for (const f of ["/var/lib/cloud/seed/nocloud/user-data", "/var/lib/cloud/seed/nocloud-net/user-data"]) {
    if ((fs.stat(f)?.size ?? 0) > 0) problems.push({ subject: f, message: `${f} is a user-data seed left in the image; it would configure every instance` });
  }
  for (const f of ["/var/log/cloud-init.log", "/var/log/cloud-init-output.log"]) {
    if ((fs.stat(f)?.size ?? 0) > 0) problems.push({ subject: f, message: `${f} is a log from a build-time boot (run cloud-init clean --logs)` });
  }
  return { id: "cloudinit.clean", problems, evidence: problems.length === 0 ? ["no instance state, seed or log in /var/lib/cloud and /var/log"] : [] };
}
