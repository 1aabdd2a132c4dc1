// The README's example, run as a developer would after `make run`: with the demo tokens, to its end.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { promisify } from "node:util";
import { demoTokens, hubUrl, PACKAGE_DIR } from "./hub.js";

test("the README shows the examples as they are", async () => {
  const readme = await readFile(join(PACKAGE_DIR, "README.md"), "utf8");
  for (const name of ["walkthrough.ts", "water-acknowledges.ts"]) {
    const source = await readFile(join(PACKAGE_DIR, "examples", name), "utf8");
    assert.ok(readme.includes("```ts\n" + source + "```"), `README.md shows examples/${name} verbatim`);
  }
});

test("the walkthrough runs with the demo tokens; the water company's acknowledgement reaches it live", async () => {
  const tokens = await demoTokens();
  const walkthrough = spawn(process.execPath, ["build/examples/walkthrough.js"], {
    cwd: PACKAGE_DIR, env: { ...process.env, HUB_URL: hubUrl(), APPLICANT_TOKEN: tokens.APPLICANT },
  });
  const lines: string[] = [];
  let acknowledged: Promise<{ stdout: string }> | undefined;
  for await (const line of createInterface({ input: walkthrough.stdout })) {
    lines.push(line);
    const command = /^ {2}node (build\/examples\/water-acknowledges\.js) (KF\S+)$/.exec(line);
    if (command) { // what the reader runs in another terminal
      acknowledged = promisify(execFile)(process.execPath, [command[1]!, command[2]!], {
        cwd: PACKAGE_DIR, env: { ...process.env, HUB_URL: hubUrl(), WATER_TOKEN: tokens["KF-WATER"] },
      });
    }
  }
  const output = lines.join("\n");
  assert.equal(await new Promise((done) => walkthrough.once("close", done)), 0, output);
  assert.match(output, /^refused:\n {2}site\.districtCode: INVALID /m);
  assert.match(output, /^submitted KF\d{8}-\w{8}: SUBMITTED$/m);
  assert.match(output, /^materials complete: ELECTRICITY true, WATER true$/m);
  const scan = await readFile(join(PACKAGE_DIR, "examples", "property-certificate.pdf"));
  const sha256 = createHash("sha256").update(scan).digest("hex");
  assert.match(output, new RegExp(`^certificate: application/pdf, ${scan.length} bytes, sha256 ${sha256}$`, "m"));
  const link = /^ {2}download for a few minutes: (http\S+)$/m.exec(output)?.[1];
  assert.ok(link, output);
  assert.deepEqual(Buffer.from(await (await fetch(link)).arrayBuffer()), scan);
  assert.match(output, /^ {2}CASE_SUBMITTED: case SUBMITTED\n(.*\n)* {2}ASSIGNMENT_RECEIVED: case IN_PROGRESS\nnext time, follow with after: "\d+"$/m);
  assert.deepEqual(JSON.parse((await acknowledged)!.stdout), { assignment: { status: "RECEIVED", version: 3 }, errors: [] });
});
