// What a site checks in a list once its signature is good (pure): schema, freshness (freeze attack),
// issue time, rollback against the last list seen, internal consistency, and the requested VO only
// (mix-and-match). Every refusal names the file and the field.
import type { ImageList, ImageListEntry, RevokedEntry } from "../model/types.js";
import { validateData } from "../schema/validator.js";
import { formatDiagnostic, RefusedError } from "../util/diagnostic.js";
import { isoSeconds, parseTime, SKEW_MS } from "../util/time.js";
import type { SeenState } from "./state.js";

export interface SelectedEntry extends ImageListEntry {
  vo: string;
}

export interface ListCheckResult {
  list: ImageList;
  /** Entries a site may run: of the requested VO (or every VO), endorsement unexpired, not revoked. */
  entries: SelectedEntry[];
  /** Entries the signed list still carries but that are no longer valid at `now`. */
  dropped: { vo: string; appliance: string; version: string; reason: string }[];
  revoked: RevokedEntry[];
}

/**
 * Parses the list and checks it against the schema. With a VO, only the part a site will use is checked:
 * every top-level field, the revocations and that VO's entries (the other VOs' sections are never read;
 * checking them too would cost a large list's sites most of their verification time).
 */
export function parseList(text: string, file: string, vo?: string): ImageList {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RefusedError(`${file}: not JSON (${(e as Error).message})`, "list.json");
  }
  const part = vo !== undefined && isRecord(data) && isRecord(data.vos)
    ? { ...data, vos: Object.hasOwn(data.vos, vo) ? { [vo]: data.vos[vo] } : {} }
    : data;
  const problems = validateData("imagelist.schema.json", part, file);
  if (problems.length > 0) {
    throw new RefusedError(`${file} does not match schemas/imagelist.schema.json:\n${problems.slice(0, 20).map(formatDiagnostic).join("\n")}`, "list.schema");
  }
  return data as ImageList;
}

export function checkList(list: ImageList, file: string, opts: { now: number; vo?: string; seen?: SeenState; listSha256: string }): ListCheckResult {
  const { now } = opts;
  const issued = parseTime(list.issued);
  const expires = parseTime(list.expires);
  if (issued > now + SKEW_MS) {
    throw new RefusedError(`${file}: /issued: the list is dated in the future (${list.issued}, now ${isoSeconds(now)})`, "list.future");
  }
  if (expires <= issued) throw new RefusedError(`${file}: /expires: ${list.expires} is not after /issued ${list.issued}`, "list.expires");
  if (expires <= now) {
    throw new RefusedError(`${file}: /expires: the list expired at ${list.expires} (now ${isoSeconds(now)}); a stale list may hide revocations (freeze attack) — fetch a fresh one`, "list.expired");
  }
  if (opts.seen) checkRollback(list, file, opts.seen, opts.listSha256);

  const vos = Object.keys(list.vos);
  if (opts.vo !== undefined && !vos.includes(opts.vo)) {
    throw new RefusedError(`${file}: /vos: VO "${opts.vo}" is not in this list (it has: ${vos.join(", ") || "none"}); refusing a list made for other VOs`, "list.vo");
  }
  const wanted = opts.vo === undefined ? vos : [opts.vo];
  const entries: SelectedEntry[] = [];
  const dropped: ListCheckResult["dropped"] = [];
  for (const vo of wanted) {
    for (const entry of list.vos[vo]?.images ?? []) {
      const ban = list.revoked.find((r) => appliesTo(r, vo) && (r.appliance === entry.appliance && r.version === entry.version || entry.artifacts.some((a) => r.sha512.includes(a.sha512))));
      if (ban) dropped.push({ vo, appliance: entry.appliance, version: entry.version, reason: `revoked: ${ban.reason}` });
      else if (parseTime(entry.expires_at) <= now) dropped.push({ vo, appliance: entry.appliance, version: entry.version, reason: `endorsement expired at ${entry.expires_at}` });
      else entries.push({ ...entry, vo });
    }
  }
  return { list, entries, dropped, revoked: list.revoked.filter((r) => wanted.some((vo) => appliesTo(r, vo))) };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function appliesTo(r: RevokedEntry, vo: string): boolean {
  return r.vos.includes("*") || r.vos.includes(vo);
}

function checkRollback(list: ImageList, file: string, seen: SeenState, sha256: string): void {
  if (seen.identifier !== list.identifier) {
    throw new RefusedError(`${file}: /identifier: ${list.identifier} is not the list this site follows (${seen.identifier}, from ${seen.file})`, "list.identifier");
  }
  if (list.serial < seen.serial) {
    throw new RefusedError(`${file}: /serial: ${list.serial} is lower than the last serial seen, ${seen.serial} (issued ${seen.issued}); an older list is being replayed (rollback)`, "list.rollback");
  }
  if (list.serial === seen.serial && sha256 !== seen.sha256) {
    throw new RefusedError(`${file}: /serial: ${list.serial} was already seen with different content; a list is never re-issued under the same serial`, "list.rollback");
  }
}
