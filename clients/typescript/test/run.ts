// `npm test`: one real hub for all test files, then Node's test runner on them (or on the files and options given,
// e.g. `node build/test/run.js --test-reporter=spec build/test/follow.test.js`). HUB_TEST_DATABASE_URL picks the
// database (a PostgreSQL one from the Python suite); without it the hub gets a temporary SQLite file.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { startHub } from "./hub.js";

const hub = await startHub(process.env.HUB_TEST_DATABASE_URL || undefined);
const dir = import.meta.dirname;
const named = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const files = named.length ? named : (await readdir(dir)).filter((n) => n.endsWith(".test.js")).sort().map((n) => join(dir, n));
const options = process.argv.slice(2).filter((arg) => arg.startsWith("-"));
// A test that hangs fails after a minute, and the run ends even if a test left a socket open.
const tests = spawn(process.execPath, ["--test", "--test-timeout=60000", "--test-force-exit", ...options, ...files], {
  env: { ...process.env, ...hub.env, HUB_TEST_URL: hub.url },
  stdio: "inherit",
});
const stopTests = () => tests.kill("SIGTERM");
process.on("SIGINT", stopTests).on("SIGTERM", stopTests);
const code: number = await new Promise((done) => tests.once("exit", (status) => done(status ?? 1)));
await hub.stop();
process.exit(code);
