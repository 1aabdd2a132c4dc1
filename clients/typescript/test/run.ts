// `npm test`: one real hub for all test files, then Node's test runner on them. HUB_TEST_DATABASE_URL picks the
// database (a PostgreSQL one from the Python suite); without it the hub gets a temporary SQLite file.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { startHub } from "./hub.js";

const hub = await startHub(process.env.HUB_TEST_DATABASE_URL || undefined);
const dir = import.meta.dirname;
const files = (await readdir(dir)).filter((name) => name.endsWith(".test.js")).sort().map((name) => join(dir, name));
const tests = spawn(process.execPath, ["--test", ...process.argv.slice(2), ...files], {
  env: { ...process.env, ...hub.env, HUB_TEST_URL: hub.url },
  stdio: "inherit",
});
const stopTests = () => tests.kill("SIGTERM");
process.on("SIGINT", stopTests).on("SIGTERM", stopTests);
const code: number = await new Promise((done) => tests.once("exit", (status) => done(status ?? 1)));
await hub.stop();
process.exit(code);
