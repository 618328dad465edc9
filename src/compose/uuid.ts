// Name-based UUIDs (RFC 4122 version 5): stable identifiers for HEPiX lists and images that
// consumers (cloudkeeper, atrope) use to recognise the same appliance across versions.
import { createHash } from "node:crypto";

/** Names repeat across VOs and formats (a list of 10,000 entries has a few thousand distinct ones). */
const memo = new Map<string, string>();
const MEMO_MAX = 100_000;

export function uuidv5(name: string, namespace: string): string {
  const key = `${namespace} ${name}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const id = computeUuidv5(name, namespace);
  if (memo.size < MEMO_MAX) memo.set(key, id);
  return id;
}

function computeUuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const h = createHash("sha1").update(ns).update(name, "utf8").digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
