// Time helpers: every timestamp in the project is UTC, RFC 3339 with a Z suffix, whole seconds.
export const DAY_MS = 86_400_000;
/** Clock skew tolerated between machines when judging "in the future". */
export const SKEW_MS = 5 * 60_000;
/** Nothing in this domain predates the EGI endorsement process; older dates are typos. */
export const EARLIEST = Date.UTC(2010, 0, 1);

export function isoSeconds(d: Date | number): string {
  return new Date(typeof d === "number" ? d : d.getTime()).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Milliseconds of a "YYYY-MM-DD" date (start of day UTC) or a full timestamp. */
export function parseTime(s: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
}

export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

/** YYYYMMDD (the version and file-name date) of a time. */
export function yyyymmdd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");
}
