// The serial of the previous list is read from the head of the file when it is where compose puts
// it (a large list need not be parsed whole), and from the parsed file otherwise.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { readPreviousSerial } from "../../src/compose/index.js";

const dir = mkdtempSync(join(tmpdir(), "vmendorse-serial-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe("readPreviousSerial", () => {
  it("reads the serial at the head of a list as compose writes it", () => {
    const list = { format: "vmendorse-imagelist/1", identifier: "6f1c2b0e-9a4d-4c1e-8f3b-2d7a5e9c1b40", serial: 1795435205, issued: "x", vos: { a: { images: Array(2000).fill({ x: "y".repeat(100) }) } } };
    expect(readPreviousSerial(file("head.json", JSON.stringify(list, null, 2)))).toBe(1795435205);
  });
  it("parses the whole file when the serial is elsewhere", () => {
    expect(readPreviousSerial(file("other.json", JSON.stringify({ issued: "x", serial: 42 })))).toBe(42);
  });
  it("gives nothing for a missing file, broken JSON or a serial that is not a safe integer", () => {
    expect(readPreviousSerial(join(dir, "missing.json"))).toBeUndefined();
    expect(readPreviousSerial(file("broken.json", "{ not json"))).toBeUndefined();
    expect(readPreviousSerial(file("big.json", '{"serial": 1e300}'))).toBeUndefined();
  });
});
