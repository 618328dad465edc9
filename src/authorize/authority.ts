// Who may approve what, taken from the repository's *base* (the trusted state before the change):
// a pull request cannot appoint the people who authorize it.
import type { Repository } from "../repo/load.js";
import { DAY_MS, parseTime } from "../util/time.js";

export interface Authority {
  /** CSIRT members' logins, lower case. */
  csirt: string[];
  /** VO folder -> endorsers appointed and not ended at the time of the decision. */
  vos: Map<string, { id: string; login: string }[]>;
  /** Appliance folder -> maintainers' logins, lower case. */
  images: Map<string, string[]>;
}

export const lower = (s: string) => s.toLowerCase();

export function authorityFrom(repo: Repository, now: number): Authority {
  const vos = new Map<string, { id: string; login: string }[]>();
  for (const [folder, vo] of repo.vos) {
    const active = vo.data.endorsers.filter((e) => {
      const from = parseTime(e.appointed);
      const until = e.until === undefined ? Infinity : parseTime(e.until) + DAY_MS;
      return from <= now && now <= until;
    });
    vos.set(folder, active.map((e) => ({ id: e.id, login: lower(e.github) })));
  }
  const images = new Map<string, string[]>();
  for (const [folder, img] of repo.images) images.set(folder, img.data.maintainers.flatMap((m) => (m.github ? [lower(m.github)] : [])));
  const csirt = (repo.config?.data.csirt.members ?? []).flatMap((m) => (m.github ? [lower(m.github)] : []));
  return { csirt, vos, images };
}
