// The generated catalogue in headless Chromium: compose the example repository, sign the list with a
// throw-away key, generate the page, open it via file:// and use it as a VO member would.
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { composeRepository } from "../../src/compose/index.js";
import { writeCatalogueFiles, readConfig } from "../../src/catalogue/index.js";
import type { ImageList, ImageListEntry } from "../../src/model/types.js";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { signLocally } from "./local-bundle.js";
import { launch, openFile } from "./browser.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const SCREENSHOTS = join(PROJECT, "out", "screenshots");
const NOW = Date.parse("2026-11-23T12:00:00Z");
const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };

/** What the page shows as visible image rows: "vo appliance version" per row. */
async function visibleRows(page: Page): Promise<string[]> {
  return page.locator("section.vo tr.image:visible").evaluateAll((trs) =>
    trs.map((tr) => {
      const attr = (n: string) => tr.getAttribute(n) ?? "";
      return `${attr("data-vo")} ${attr("data-appliance")} ${tr.querySelector("td.version")!.textContent}`;
    }),
  );
}
const rowsOf = (list: ImageList, keep: (vo: string, e: ImageListEntry) => boolean = () => true) =>
  Object.entries(list.vos).flatMap(([vo, { images }]) => images.filter((e) => keep(vo, e)).map((e) => `${vo} ${e.appliance} ${e.version}`));

describe("catalogue page in Chromium", () => {
  let root: string;
  let page0: string;
  let list: ImageList;
  let browser: Browser;
  let signatureOk: boolean;

  let listFile: string;
  let signer: { identity: string; issuer: string };

  /** Signs the list as told, really checks the signature, and generates the page into <root>/<name>. */
  async function generate(name: string, how: { certificateFor?: string; verdict?: boolean }): Promise<{ file: string; signatureOk: boolean }> {
    const listBytes = readFileSync(listFile);
    const signed = await signLocally(listBytes, how.certificateFor ? { certificateFor: how.certificateFor } : { hint: "release-key" });
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const bundle = join(dir, "in", "imagelist.json.sigstore.json");
    mkdirSync(join(dir, "in"), { recursive: true });
    writeFileSync(bundle, JSON.stringify(signed.bundle));
    const signatureOk = signed.check(listBytes);
    const verdict = how.verdict ?? signatureOk;
    const verify = join(dir, "in", "verify.json");
    writeFileSync(verify, JSON.stringify({ verified: verdict, reason: verdict ? "signature and signer identity match" : "signer identity does not match", checked_at: "2026-11-23T12:00:05Z" }));
    const site = join(dir, "site");
    writeCatalogueFiles({ list: listFile, outDir: site, now: NOW, bundle, root, requireConfig: true, verifyResult: verify });
    return { file: join(site, "index.html"), signatureOk };
  }

  beforeAll(async () => {
    root = copyRepo();
    commitAll(root, "initial data", ADMIN, "2026-11-21T12:00:00Z");
    const listDir = join(root, "out");
    composeRepository({ root, outDir: listDir, now: NOW });
    listFile = join(listDir, "imagelist.json");
    list = JSON.parse(readFileSync(listFile, "utf8")) as ImageList;
    signer = readConfig(root, true)!.list.signer!;
    // The release signs keyless: a certificate issued to the configured workflow identity.
    const g = await generate("keyless", { certificateFor: signer.identity });
    page0 = g.file;
    signatureOk = g.signatureOk;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows every VO's endorsed images, filters by VO, and writes a screenshot", async () => {
    const { page, url, requests, errors } = await openFile(browser, page0, { clock: NOW });
    expect(errors).toEqual([]);
    expect(await visibleRows(page)).toEqual(rowsOf(list));
    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = join(SCREENSHOTS, "catalogue.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    const vos = Object.keys(list.vos);
    expect(vos.length).toBeGreaterThan(1);
    for (const vo of vos) {
      await page.selectOption("#vo-filter", vo);
      expect(await visibleRows(page), vo).toEqual(rowsOf(list, (v) => v === vo));
      expect(await page.locator("section.vo:visible").count()).toBe(1);
      // The row's cells carry the list's facts: endorser, expiry date, checklist result.
      for (const e of list.vos[vo]!.images) {
        const row = page.locator(`section.vo[data-vo="${vo}"] tr.image[data-appliance="${e.appliance}"]`);
        await expect.poll(() => row.locator("td.endorser").innerText()).toContain(e.endorser.name);
        expect(await row.locator("td.expires").innerText()).toContain(e.expires_at.slice(0, 10));
        if (e.scan) expect(await row.locator("td.checklist").innerText()).toContain(`${e.scan.passed} passed, ${e.scan.failed} failed, ${e.scan.waived} waived`);
        expect(await row.locator("td.size").innerText()).toContain(e.artifacts[0]!.format);
        if (e.sbom?.uri) expect(await row.locator("td.sbom a").getAttribute("href")).toBe(e.sbom.uri);
      }
      // Revocations concern every VO ("*") or the ones they name.
      const revoked = await page.locator("tr.revoked:visible").evaluateAll((trs) => trs.map((t) => t.getAttribute("data-appliance")));
      expect(revoked).toEqual(list.revoked.filter((r) => r.vos.includes("*") || r.vos.includes(vo)).map((r) => r.appliance));
      expect(new URL(page.url()).hash).toBe(`#vo=${encodeURIComponent(vo)}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, "catalogue-filtered.png"), fullPage: true });
    await page.selectOption("#vo-filter", "");
    expect(await visibleRows(page)).toEqual(rowsOf(list));
    expect(requests).toEqual([url]);
  });

  it("searches across appliance, title and endorser, and shows when nothing matches", async () => {
    const { page, requests, url } = await openFile(browser, page0, { clock: NOW });
    const all = Object.values(list.vos).flatMap((v) => v.images);
    const voImage = all.find((e) => e.type === "vo")!;
    await page.fill("#search", voImage.appliance);
    expect(await visibleRows(page)).toEqual(rowsOf(list, (_, e) => e.appliance === voImage.appliance));

    const endorser = all[all.length - 1]!.endorser;
    await page.fill("#search", endorser.name.toUpperCase());
    expect(await visibleRows(page)).toEqual(rowsOf(list, (_, e) => e.endorser.name === endorser.name));
    expect(await page.locator(".timeline-row:visible").count()).toBe(rowsOf(list, (_, e) => e.endorser.name === endorser.name).length);

    await page.fill("#search", "no-such-appliance-anywhere");
    expect(await visibleRows(page)).toEqual([]);
    expect(await page.locator("section.vo tr.empty:visible").count()).toBe(Object.keys(list.vos).length);
    expect(requests).toEqual([url]);
  });

  it("opens pre-filtered from a link (#vo=...&q=...)", async () => {
    const vo = Object.keys(list.vos)[0]!;
    const e = list.vos[vo]!.images[0]!;
    const { page } = await openFile(browser, page0, { clock: NOW, hash: `#vo=${vo}&q=${encodeURIComponent(e.title)}` });
    expect(await page.inputValue("#vo-filter")).toBe(vo);
    expect(await visibleRows(page)).toEqual(rowsOf(list, (v, x) => v === vo && x.title.toLowerCase().includes(e.title.toLowerCase())));
  });

  it("shows revoked versions with the reason, CVEs, and finds them by CVE", async () => {
    const { page } = await openFile(browser, page0, { clock: NOW });
    expect(list.revoked.length).toBeGreaterThan(0);
    for (const r of list.revoked) {
      const row = page.locator(`tr.revoked[data-appliance="${r.appliance}"][data-version="${r.version}"]`);
      expect(await row.locator("p.reason").innerText()).toBe(r.reason);
      for (const cve of r.cves ?? []) expect(await row.innerText()).toContain(cve);
    }
    const r = list.revoked.find((x) => (x.cves ?? []).length > 0)!;
    await page.fill("#search", r.cves![0]!);
    expect(await page.locator("tr.revoked:visible").count()).toBe(list.revoked.filter((x) => x.cves?.includes(r.cves![0]!)).length);
    expect(await visibleRows(page)).toEqual([]);
  });

  it("shows the signature status and the exact command to verify it", async () => {
    const { page } = await openFile(browser, page0, { clock: NOW });
    expect(await page.locator("#verify-command").innerText()).toBe(
      `npx vmendorse verify --list imagelist.json --bundle imagelist.json.sigstore.json --identity ${signer.identity} --issuer ${signer.issuer}`,
    );
    expect(signatureOk).toBe(true);
    expect(await page.locator("#verify-status").innerText()).toBe("verification passed");
    expect(await page.locator("#bundle-summary").innerText()).toContain(`certificate for ${signer.identity}`);
    expect(await page.locator("#identity-mismatch").count()).toBe(0);
    // The files the page names are next to it, byte for byte.
    const hrefs = await page.locator("#signature-body a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs).toEqual(["./imagelist.json", "./imagelist.json.sigstore.json"]);
    const siteDir = join(page0, "..");
    expect(readFileSync(join(siteDir, "imagelist.json"))).toEqual(readFileSync(listFile));
    expect(readFileSync(join(siteDir, "imagelist.json.sigstore.json"))).toEqual(readFileSync(join(siteDir, "..", "in", "imagelist.json.sigstore.json")));
    expect(await page.locator("#banner").isVisible()).toBe(false);
  });

  it("shows a failed verification, a foreign certificate identity, and --key for key-signed lists", async () => {
    const foreign = await generate("foreign", { certificateFor: "https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main", verdict: false });
    const a = await openFile(browser, foreign.file, { clock: NOW });
    expect(await a.page.locator("#verify-status").innerText()).toBe("verification FAILED");
    expect(await a.page.locator("#verify-reason").innerText()).toBe("signer identity does not match");
    expect(await a.page.locator("#identity-mismatch").innerText()).toContain(signer.identity);

    const keyed = await generate("keyed", {});
    const b = await openFile(browser, keyed.file, { clock: NOW });
    expect(await b.page.locator("#verify-command").innerText()).toBe("npx vmendorse verify --list imagelist.json --bundle imagelist.json.sigstore.json --key PUBLIC_KEY.pem");
    expect(await b.page.locator("#bundle-summary").innerText()).toContain("public key release-key");
  });

  it("warns when the viewer's clock is past the list's expiry", async () => {
    const { page } = await openFile(browser, page0, { clock: Date.parse(list.expires) + 60_000 });
    expect(await page.locator("#banner").innerText()).toContain(`expired on ${list.expires}`);
  });

  it("blocks network requests the page might attempt (Content-Security-Policy)", async () => {
    const { page, url, requests } = await openFile(browser, page0, { clock: NOW });
    // Browser-side code as text: the project's TypeScript settings have no DOM types.
    const violations = (await page.evaluate(`(async () => {
      const seen = [];
      document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
      const fetched = await fetch("https://example.org/x.json").then(() => "fetched", () => "blocked");
      const img = new Image();
      img.src = "https://example.org/pixel.png";
      document.body.appendChild(img);
      await new Promise((r) => setTimeout(r, 300));
      return { fetched, seen };
    })()`)) as { fetched: string; seen: string[] };
    expect(violations.fetched).toBe("blocked");
    expect(violations.seen).toEqual(expect.arrayContaining(["connect-src", "img-src"]));
    expect(requests).toEqual([url]);
  });
});
