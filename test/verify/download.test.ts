// `verify --download`: images come from an HTTP server on 127.0.0.1; each is checked while streaming, and a
// wrong or cut-off transfer leaves no file under the final name (nor a temporary one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { vmendorseAsync as vmendorse } from "../cli/run-cli.js";
import { composedList, NOW, writeSigned, type SignedList } from "./signed-list.js";
import type { ImageList } from "../../src/model/types.js";
import { isoSeconds } from "../../src/util/time.js";

const IMAGE = randomBytes(3 * 1024 * 1024 + 17);
const sha512 = (b: Buffer) => createHash("sha512").update(b).digest("hex");
let server: Server;
let base: string;
/** Files the server publishes under /release/ (a release's stable download URL). */
const published = new Map<string, Buffer>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = req.url ?? "";
    if (name.startsWith("/good/")) return void res.writeHead(200, { "content-length": IMAGE.length }).end(IMAGE);
    if (name.startsWith("/altered/")) {
      const bad = Buffer.from(IMAGE);
      bad[1000] = bad[1000]! ^ 0xff;
      return void res.writeHead(200, { "content-length": bad.length }).end(bad);
    }
    if (name.startsWith("/short/")) {
      const part = IMAGE.subarray(0, IMAGE.length - 4096);
      return void res.writeHead(200, { "content-length": part.length }).end(part);
    }
    if (name.startsWith("/cut/")) {
      // Promises the full length, sends half, then drops the connection.
      res.writeHead(200, { "content-length": IMAGE.length });
      res.write(IMAGE.subarray(0, IMAGE.length >> 1), () => res.destroy());
      return;
    }
    const file = published.get(name);
    if (file) return void res.writeHead(200).end(file);
    if (name.startsWith("/longer/")) return void res.writeHead(200).end(Buffer.concat([IMAGE, Buffer.from("trailing")]));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A list whose biomed images all point at one artifact served under `path`. */
async function listServing(path: string): Promise<SignedList> {
  const list: ImageList = composedList();
  for (const img of list.vos.biomed!.images) img.artifacts = [{ format: "qcow2", uri: `${base}/${path}/${img.appliance}-${img.version}.qcow2`, sha512: sha512(IMAGE), size: IMAGE.length }];
  return writeSigned(list);
}

async function download(s: SignedList, into: string) {
  return vmendorse(["verify", "--list", s.listFile, "--key", s.pubFile, "--vo", "biomed", "--now", isoSeconds(NOW), "--download", into, "--json"]);
}

describe("verify --download", () => {
  it("downloads the VO's images, checked, and skips them on the next sync", async () => {
    const s = await listServing("good");
    const into = mkdtempSync(join(tmpdir(), "vmendorse-dl-"));
    const r = await download(s, into);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.downloads.length).toBeGreaterThan(0);
    for (const d of out.downloads) {
      expect(d.status).toBe("downloaded");
      expect(sha512(readFileSync(d.file))).toBe(sha512(IMAGE));
    }
    const again = JSON.parse((await download(s, into)).stdout);
    expect(again.downloads.map((d: { status: string }) => d.status)).toEqual(out.downloads.map(() => "present"));
    expect(readdirSync(into).filter((f) => f.startsWith("."))).toEqual([]);
  });

  for (const [path, code, reason] of [
    ["altered", "download.checksum", /SHA-512 mismatch/],
    ["short", "download.truncated", /transfer ended after \d+ of \d+ bytes \(truncated\)/],
    ["cut", "download.fetch", /download failed after \d+ bytes/],
    ["longer", "download.size", /more data than the \d+ bytes the list declares/],
  ] as const) {
    it(`refuses an image that is ${path} and keeps nothing of it`, async () => {
      const s = await listServing(path);
      const into = mkdtempSync(join(tmpdir(), "vmendorse-dl-"));
      const r = await download(s, into);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: false, code });
      expect(out.reason).toMatch(reason);
      expect(readdirSync(into)).toEqual([]);
    });
  }

  it("replaces a local file that no longer matches the list", async () => {
    const s = await listServing("good");
    const into = mkdtempSync(join(tmpdir(), "vmendorse-dl-"));
    const first = JSON.parse((await download(s, into)).stdout).downloads[0];
    writeFileSync(first.file, "tampered on disk");
    const again = JSON.parse((await download(s, into)).stdout).downloads[0];
    expect(again.status).toBe("downloaded");
    expect(sha512(readFileSync(first.file))).toBe(sha512(IMAGE));
    expect(existsSync(first.file)).toBe(true);
  });

  it("fetches the list and its bundle from a URL, then verifies those bytes", async () => {
    const s = await listServing("good");
    published.set("/release/latest/download/imagelist.json", readFileSync(s.listFile));
    published.set("/release/latest/download/imagelist.json.sigstore.json", readFileSync(s.bundleFile));
    const url = `${base}/release/latest/download/imagelist.json`;
    const r = await vmendorse(["verify", "--list", url, "--key", s.pubFile, "--vo", "biomed", "--now", isoSeconds(NOW), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).list.serial).toBe(JSON.parse(readFileSync(s.listFile, "utf8")).serial);
    const tampered = Buffer.from(readFileSync(s.listFile));
    tampered[tampered.length - 3] = 0x20;
    published.set("/release/latest/download/imagelist.json", tampered);
    const bad = await vmendorse(["verify", "--list", url, "--key", s.pubFile, "--now", isoSeconds(NOW)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/signature not valid/);
    const missing = await vmendorse(["verify", "--list", `${base}/release/none/imagelist.json`, "--key", s.pubFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/release\/none\/imagelist.json: cannot fetch \(HTTP 404\)/);
  });
});
