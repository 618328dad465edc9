// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with every request the
// page makes recorded; anything but the page file itself is aborted and shows up in `requests`.
import { chromium, type Browser, type Page } from "playwright-core";
import { pathToFileURL } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

export interface OpenedPage {
  page: Page;
  url: string;
  requests: string[];
  errors: string[];
}

/** Opens a file in a fresh context; resolves once the page's script has finished building it. */
export async function openFile(browser: Browser, file: string, opts: { hash?: string; clock?: number } = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    requests.push(u);
    return u.split("#")[0] === url ? route.continue() : route.abort();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  if (opts.clock !== undefined) await page.clock.setFixedTime(opts.clock);
  await page.goto(url + (opts.hash ?? ""));
  await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
  return { page, url, requests, errors };
}
