// Digests of files, streams and buffers, streamed in 1 MiB chunks: SHA-256 (OCI, GitHub) and SHA-512
// (the lists, AppDB, build records) in one pass, or SHA-512 alone where only it is checked.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export interface Digests {
  sha256: string;
  sha512: string;
  size: number;
}

const CHUNK = 1024 * 1024;

export async function digestStream(stream: AsyncIterable<unknown>): Promise<Digests> {
  const h256 = createHash("sha256");
  const h512 = createHash("sha512");
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    h256.update(b);
    h512.update(b);
    size += b.length;
  }
  return { sha256: h256.digest("hex"), sha512: h512.digest("hex"), size };
}

export function digestFile(path: string): Promise<Digests> {
  return digestStream(createReadStream(path, { highWaterMark: CHUNK }));
}

export function digestBuffer(data: Buffer | string): Digests {
  const b = typeof data === "string" ? Buffer.from(data) : data;
  return { sha256: createHash("sha256").update(b).digest("hex"), sha512: createHash("sha512").update(b).digest("hex"), size: b.length };
}

/** SHA-512 alone (what a site checks), at the full speed of one hash. */
export async function sha512File(path: string): Promise<{ sha512: string; size: number }> {
  const h = createHash("sha512");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha512: h.digest("hex"), size };
}

export function sha512Text(text: string | Uint8Array): string {
  return createHash("sha512").update(text).digest("hex");
}
