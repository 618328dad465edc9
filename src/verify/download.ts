// Downloads an image named in a verified list into a directory, checking size and SHA-512 while the bytes
// stream past. The file appears under its final name only when it matched; a mismatch or a cut-off
// transfer leaves nothing behind.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, fsyncSync, openSync, closeSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RefusedError } from "../util/diagnostic.js";
import { sha512File } from "../util/digest.js";
import { describeError } from "../util/describe-error.js";

export interface ArtifactRef {
  uri: string;
  sha512: string;
  size: number;
}

export interface DownloadResult {
  uri: string;
  file: string;
  status: "downloaded" | "present";
  bytes: number;
}

const CHUNK = 1024 * 1024;

/** The local file name for an artifact URI: the last path segment, refused if it could escape DIR. */
export function fileNameFor(uri: string): string {
  let name: string;
  try {
    name = decodeURIComponent(basename(new URL(uri).pathname));
  } catch {
    throw new RefusedError(`${uri}: not a URL`, "download.uri");
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name) || name.includes("..")) {
    throw new RefusedError(`${uri}: unsafe file name "${name}"`, "download.uri");
  }
  return name;
}

async function open(uri: string): Promise<Readable> {
  const url = new URL(uri);
  if (url.protocol === "file:") return createReadStream(fileURLToPath(url), { highWaterMark: CHUNK });
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new RefusedError(`${uri}: unsupported scheme ${url.protocol}`, "download.uri");
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow" });
  } catch (e) {
    throw new RefusedError(`${uri}: download failed (${describeError(e)})`, "download.fetch");
  }
  if (!res.ok || !res.body) throw new RefusedError(`${uri}: download failed (HTTP ${res.status})`, "download.fetch");
  return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
}

export async function downloadArtifact(a: ArtifactRef, dir: string, progress: (line: string) => void = () => {}): Promise<DownloadResult> {
  const name = fileNameFor(a.uri);
  const target = join(dir, name);
  mkdirSync(dir, { recursive: true });
  if (existsSync(target)) {
    const have = await sha512File(target);
    if (have.sha512 === a.sha512 && have.size === a.size) return { uri: a.uri, file: target, status: "present", bytes: have.size };
    progress(`${name}: local copy differs from the list; downloading again`);
  }
  const tmp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.partial`);
  const hash = createHash("sha512");
  let bytes = 0;
  let nextReport = Date.now() + 5_000;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > a.size) return done(new RefusedError(`${a.uri}: more data than the ${a.size} bytes the list declares`, "download.size"));
      hash.update(chunk);
      if (Date.now() >= nextReport) {
        nextReport = Date.now() + 5_000;
        progress(`${name}: ${Math.floor((bytes / a.size) * 100)}% of ${a.size} bytes`);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(await open(a.uri), meter, createWriteStream(tmp, { mode: 0o644, highWaterMark: CHUNK }));
    if (bytes !== a.size) throw new RefusedError(`${a.uri}: transfer ended after ${bytes} of ${a.size} bytes (truncated)`, "download.truncated");
    const got = hash.digest("hex");
    if (got !== a.sha512) throw new RefusedError(`${a.uri}: SHA-512 mismatch (list ${a.sha512.slice(0, 16)}…, got ${got.slice(0, 16)}…); the file was discarded`, "download.checksum");
    const fd = openSync(tmp, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    return { uri: a.uri, file: target, status: "downloaded", bytes };
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof RefusedError) throw e;
    throw new RefusedError(`${a.uri}: download failed after ${bytes} bytes (${(e as Error).message}); nothing was kept`, "download.fetch");
  }
}
