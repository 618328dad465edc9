// Option parsing shared by all commands (node:util parseArgs, with usage errors mapped to exit 2).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../util/diagnostic.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** An --now option value, or the current time. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(d.getTime())) {
    throw new UsageError(`--now: "${value}" is not an ISO 8601 date-time (e.g. 2026-11-23T12:00:00Z)`);
  }
  return d;
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`${flag} is required`);
  return value;
}
