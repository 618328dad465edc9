// The HTTP appliance repository against a real server (nginx with WebDAV and Basic auth): staged PUT,
// MOVE into place, read-back; a rerun uploads nothing; an upload cut halfway is retried and completes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { composeAndSign, endorseRelease, makeRelease, type BuiltRelease } from "./fixtures.js";
import { startNginx, type Nginx } from "./nginx.js";
import { startProxy, type FaultProxy } from "./fault-proxy.js";
import { publish, type PublishOptions } from "../../src/publish/index.js";
import { parseTarget } from "../../src/publish/targets.js";

let nginx: Nginx;
let proxy: FaultProxy;
let root: string;
let built: BuiltRelease;
let listDir: string;

beforeAll(async () => {
  nginx = await startNginx();
  proxy = await startProxy(nginx.url);
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"), { diskMb: 4 });
  endorseRelease(root, built);
  commitAll(root, "release", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
  listDir = join(root, "out");
  await composeAndSign(root, listDir);
});
afterAll(async () => {
  await proxy?.close();
  await nginx?.stop();
});

function opts(base: string, extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    root,
    releases: [built.releaseFile],
    artifactDirs: [built.artifactsDir],
    listDir,
    targets: [parseTarget(`http:${base}`, root)],
    retry: { attempts: 3, baseMs: 20, maxMs: 100 },
    env: {},
    progress: () => {},
    ...extra,
  };
}

describe("publish over HTTP PUT (nginx WebDAV)", () => {
  it("needs the credentials: without them the server answers 401 and nothing is published", async () => {
    await expect(publish(opts(`${nginx.url}/noauth`))).rejects.toThrow(/HTTP 401/);
    expect(existsSync(join(nginx.www, "noauth"))).toBe(false);
  });

  it("uploads every file, moves it into place, reads it back; the list last; a rerun uploads nothing", async () => {
    const r = await publish(opts(`${nginx.authUrl}/images`));
    const dir = join(nginx.www, "images", "egi.debian.12");
    expect(readdirSync(dir).sort()).toEqual(["debian-12-20261120.cdx.json", "debian-12-20261120.ova", "debian-12-20261120.packages.tsv", "debian-12-20261120.qcow2", "debian-12-20261120.scan.json"]);
    expect(readFileSync(join(dir, "debian-12-20261120.qcow2")).equals(readFileSync(built.qcow2))).toBe(true);
    expect(readFileSync(join(nginx.www, "images", "imagelist.json")).equals(readFileSync(join(listDir, "imagelist.json")))).toBe(true);
    expect(r.outcomes.at(-1)).toMatchObject({ item: "imagelist.json", action: "uploaded" });
    const log = readFileSync(nginx.accessLog, "utf8");
    expect(log).toMatch(/"MOVE \/images\/egi\.debian\.12\/\.debian-12-20261120\.qcow2\.[0-9a-f]+\.partial HTTP\/1\.1" 20[14]/);
    // The credentials never show up in what the run reports.
    expect(JSON.stringify(r)).not.toContain("s3cret");

    const again = await publish(opts(`${nginx.authUrl}/images`));
    expect(again.outcomes.every((o) => o.action === "present")).toBe(true);
  });

  it("an upload cut halfway is retried and completes; no partial file stays visible", async () => {
    proxy.rules.push({ method: "PUT", path: /debian-12-20261120\.qcow2/, fault: { cutAfter: 1024 * 1024 }, times: 1 });
    const base = `http://publisher:s3cret-for-tests@${proxy.host}/cut`;
    const r = await publish(opts(base, { listDir: undefined }));
    expect(proxy.log.some((l) => l.fault?.startsWith("cut after"))).toBe(true);
    const puts = proxy.log.filter((l) => l.method === "PUT" && l.path.includes("qcow2"));
    expect(puts.length).toBe(2); // the cut one and the retry
    expect(readFileSync(join(nginx.www, "cut", "egi.debian.12", "debian-12-20261120.qcow2")).equals(readFileSync(built.qcow2))).toBe(true);
    expect(readdirSync(join(nginx.www, "cut", "egi.debian.12")).filter((n) => n.startsWith("."))).toEqual([]);
    expect(r.outcomes.find((o) => o.item.endsWith(".qcow2"))?.action).toBe("uploaded");
  });
});
