// Home directories to look into: /root, /home/*, and the homes of accounts a person could log in to
// (a login shell or a user id from 1000), not the /usr/sbin-style homes of system accounts.
import type { RootFs } from "../rootfs.js";
import { parsePasswd } from "./accounts.js";

export interface Home {
  user: string;
  dir: string;
}

export function homes(fs: RootFs): Home[] {
  const out = new Map<string, Home>();
  const users = parsePasswd(fs.readText("/etc/passwd") ?? "");
  for (const u of users) {
    const login = u.uid === 0 || u.uid >= 1000 || !/(nologin|false|sync|halt|shutdown)$/.test(u.shell);
    if (login && u.home !== "" && u.home !== "/" && u.home !== "/nonexistent" && fs.isDir(u.home)) out.set(u.home, { user: u.name, dir: u.home });
  }
  if (!out.has("/root") && fs.isDir("/root")) out.set("/root", { user: "root", dir: "/root" });
  for (const name of fs.list("/home")) {
    const dir = `/home/${name}`;
    if (!out.has(dir) && fs.isDir(dir)) out.set(dir, { user: name, dir });
  }
  return [...out.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}
