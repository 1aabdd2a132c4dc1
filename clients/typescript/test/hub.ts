// The real hub for the tests: `<repo>/.venv/bin/hub serve` on a free port, a throw-away database and data dir.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

import type { CommitmentInput, HubClient } from "@kaifeng-hub/client";

export const PACKAGE_DIR = resolve(import.meta.dirname, "../..");
export const REPO = resolve(PACKAGE_DIR, "../..");
const HUB_COMMAND = process.env.HUB_TEST_COMMAND ?? join(REPO, ".venv/bin/hub");

export interface HubProcess {
  url: string;
  /** The HUB_* settings it runs with (also what `hub token` needs to sign with its key). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") {
    throw new Error("no port");
  }
  return address.port;
}

/**
 * Starts the hub (embedded: migrations, reference data, demo tokens) and waits until /readyz answers. `settings`
 * adds HUB_* settings, e.g. another instance on the same database and signing key (HUB_DATABASE_URL,
 * HUB_SIGNING_KEY_FILE) held to registered documents (HUB_REGISTERED_DOCUMENTS_ONLY).
 */
export async function startHub(databaseUrl?: string, settings: Record<string, string> = {}): Promise<HubProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "hub-ts-client-"));
  const port = await freePort();
  const env = {
    HUB_ENVIRONMENT: "embedded",
    HUB_DATA_DIR: dataDir,
    HUB_HOST: "127.0.0.1",
    HUB_PORT: String(port),
    HUB_DATABASE_URL: databaseUrl ?? `sqlite+aiosqlite:///${join(dataDir, "hub.sqlite3")}`,
    HUB_LOG_LEVEL: "WARNING",
    ...settings,
  };
  const child = spawn(HUB_COMMAND, ["serve"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(join(dataDir, "hub.log"));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, dataDir);
  return { url, env, stop: () => stop(child) };
}

async function waitReady(url: string, child: ChildProcess, dataDir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`hub exited with ${child.exitCode}; see ${join(dataDir, "hub.log")}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill();
  throw new Error(`hub not ready within 60 s; see ${join(dataDir, "hub.log")}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return;
  }
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---- used by the test files, which run with the hub's settings in their environment (see run.ts) ----

export function hubUrl(): string {
  const url = process.env.HUB_TEST_URL;
  if (!url) {
    throw new Error("HUB_TEST_URL is not set: run the tests with `npm test`");
  }
  return url;
}

/** The tokens the hub printed on first start: by role, and utilities by organisation (e.g. "KF-WATER"). */
export async function demoTokens(): Promise<Record<string, string>> {
  const text = await readFile(join(process.env.HUB_DATA_DIR ?? "", "demo-tokens.txt"), "utf8");
  const tokens: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const [role, org, token] = line.split(/\s+/);
    if (role && org && token && !role.startsWith("#")) {
      tokens[role === "UTILITY" ? org : role] = token;
    }
  }
  return tokens;
}

/** A token signed by the hub's key (`hub token`), e.g. an applicant whose subject is their ID number. */
export async function mintToken(role: string, options: { org?: string; subject?: string; ttl?: number } = {}): Promise<string> {
  const args = ["token", "--role", role];
  if (options.org) args.push("--org", options.org);
  if (options.subject) args.push("--subject", options.subject);
  if (options.ttl) args.push("--ttl", String(options.ttl));
  const { stdout } = await promisify(execFile)(HUB_COMMAND, args, { env: process.env });
  return stdout.trim();
}

/** A valid 身份证号 (GB 11643 check character) for a new person born 1988-03-12 in 龙亭区. */
export function newIdNumber(): string {
  const first17 = `41020219880312${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (weights[i] ?? 0), 0);
  return first17 + "10X98765432"[sum % 11];
}

/** Plain GraphQL over fetch, as another system would (e.g. a utility writing back); fails on any error. */
export async function graphql<T = Record<string, any>>(token: string, query: string, variables: object = {}): Promise<T> {
  const response = await fetch(`${hubUrl()}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (response.status !== 200 || body.errors) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data as T;
}

const WRITE_BACK = (name: string, extra = "") => `mutation ($id: ID!, $version: Int!) {
  ${name}(input: { assignmentId: $id, expectedVersion: $version ${extra} }) {
    assignment { id status version } errors { field code message } } }`;

/** One write-back by the utility that owns the assignment; returns the assignment as written. */
export async function writeBack(token: string, action: "acknowledgeAssignment" | "acceptAssignment" | "requestMaterials",
  assignment: { id: string; version: number | null }, reason?: string): Promise<{ id: string; status: string; version: number }> {
  const extra = reason ? `, reason: ${JSON.stringify(reason)}` : "";
  const data = await graphql(token, WRITE_BACK(action, extra), { id: assignment.id, version: assignment.version });
  const payload = data[action];
  if (payload.errors.length) {
    throw new Error(`${action} refused: ${JSON.stringify(payload.errors)}`);
  }
  return payload.assignment;
}

/** Polls until `condition` holds (events arrive asynchronously). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** The commitment a client sends once the applicant has seen the form's text and the notice: the text in force
 * for the form (`form`, e.g. TRANSFER) and the notice's hash, agreed online or signed at the window. */
export async function commitmentFor(client: { applicationForm: HubClient["applicationForm"] }, form: string,
                                    online: boolean): Promise<CommitmentInput> {
  const answer = await client.applicationForm("TRANSFER", "INDIVIDUAL");
  if (!answer.ok) {
    throw new Error(`no application form: ${JSON.stringify(answer.error)}`);
  }
  const text = answer.value.commitmentTexts.find((t) => t.form === form);
  return {
    version: text?.version ?? "", noticeSha256: answer.value.privacyNotice?.sha256 ?? "",
    channel: online ? "ONLINE_CONSENT" : "WINDOW_SIGNATURE",
    identityVerification: online ? "REAL_NAME_LOGIN" : "ID_CARD_CHECKED",
  };
}
