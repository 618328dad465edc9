// Digests of (large) files in one streaming pass.
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";

export interface FileDigest {
  size: number;
  sha256: string;
  sha512: string;
}

export async function digestFile(path: string): Promise<FileDigest> {
  const h256 = createHash("sha256");
  const h512 = createHash("sha512");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
    h256.update(chunk as Buffer);
    h512.update(chunk as Buffer);
  }
  return { size: statSync(path).size, sha256: h256.digest("hex"), sha512: h512.digest("hex") };
}

export function sha512Text(text: string | Uint8Array): string {
  return createHash("sha512").update(text).digest("hex");
}
