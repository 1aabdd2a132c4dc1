// Following a case live: replay then live, resume from the caller's cursor, reconnect through outages.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import {
  HubClient, type CaseDetailFragment, type CaseEvent, type FollowError, type FollowStatus, type HubClientOptions,
} from "@kaifeng-hub/client";
import { commitmentFor, demoTokens, hubUrl, mintToken, newIdNumber, waitFor, writeBack } from "./hub.js";
import { FlakyNetwork } from "./proxy.js";

interface Watch {
  events: CaseEvent[];
  statuses: FollowStatus[];
  errors: FollowError[];
  close(): void;
  cursor(): string | null;
}

function watch(client: HubClient, caseId: string, after: string | null, onEvent?: (event: CaseEvent) => void): Watch {
  const events: CaseEvent[] = [];
  const statuses: FollowStatus[] = [];
  const errors: FollowError[] = [];
  const follow = client.followCase(caseId, {
    after,
    onEvent: (event) => {
      onEvent?.(event);
      events.push(event);
    },
    onError: (error) => errors.push(error),
    onStatus: (status) => statuses.push(status),
  });
  return { events, statuses, errors, close: () => follow.close(), cursor: () => follow.cursor };
}

const kinds = (events: CaseEvent[]) => events.map((e) => e.kind);
const cursors = (events: CaseEvent[]) => events.map((e) => e.cursor);
const states = (w: Watch) => w.statuses.map((s) => s.state);

describe("following a case live", () => {
  const idNumber = newIdNumber();
  let tokens: Record<string, string>;
  let applicantToken: string;
  let strangerToken: string; // another applicant's
  let clerk: HubClient;
  const network: FlakyNetwork[] = [];

  function applicant(options: Partial<HubClientOptions> = {}): HubClient {
    return new HubClient({ url: hubUrl(), token: applicantToken, webSocketImpl: WebSocket, language: "en", ...options });
  }

  async function newCase(): Promise<CaseDetailFragment> {
    const answer = await clerk.submitCase({
      caseType: "TRANSFER", channel: "CITIZEN_CENTRE_WINDOW", commitment: await commitmentFor(clerk, "TRANSFER", false),
      applicant: { kind: "INDIVIDUAL", name: "李娜", phone: "13900139000", idNumber, subject: idNumber },
      previousHolder: { kind: "INDIVIDUAL", name: "刘秀英", idNumber: "410203196505080063" },
      site: { address: "开封市鼓楼区中山路 88 号", districtCode: "410204" },
      water: { accountNumber: "W-200117" }, electricity: { accountNumber: "0410077001" },
    });
    assert.ok(answer.ok);
    return answer.value;
  }

  const assignment = (c: CaseDetailFragment, service: string) => c.assignments!.find((a) => a.service === service)!;

  /** The case's log up to and including `last`, as a fresh follow from "0" replays it. */
  async function history(caseId: string, last: string): Promise<string[]> {
    const full = watch(applicant(), caseId, "0");
    await waitFor(() => full.events.some((e) => e.cursor === last), "the replay to reach the last cursor");
    full.close();
    const log = cursors(full.events);
    return log.slice(0, log.indexOf(last) + 1);
  }

  async function flakyNetwork(): Promise<FlakyNetwork> {
    const flaky = await FlakyNetwork.start(hubUrl());
    network.push(flaky);
    return flaky;
  }

  before(async () => {
    tokens = await demoTokens();
    [applicantToken, strangerToken] = await Promise.all([
      mintToken("APPLICANT", { subject: idNumber }), mintToken("APPLICANT", { subject: newIdNumber() })]);
    clerk = new HubClient({ url: hubUrl(), token: tokens.CLERK! });
  });

  after(async () => {
    await Promise.all(network.map((n) => n.stop()));
  });

  test("replays the case from \"0\", then hears the utility acknowledge; resumes after the kept cursor", async () => {
    const filed = await newCase();
    const first = watch(applicant(), filed.id, "0");
    await waitFor(() => first.events.length >= 3 && states(first).includes("live"), "the replay");
    assert.deepEqual(kinds(first.events).slice(0, 3).sort(), ["ASSIGNMENT_CREATED", "ASSIGNMENT_CREATED", "CASE_SUBMITTED"]);

    const water = await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", assignment(filed, "WATER"));
    await waitFor(() => kinds(first.events).includes("ASSIGNMENT_RECEIVED"), "the live event");
    const live = first.events.find((e) => e.kind === "ASSIGNMENT_RECEIVED")!;
    assert.deepEqual(live.case?.assignments?.find((a) => a.service === "WATER")?.status, "RECEIVED");
    first.close();
    const kept = first.cursor();
    assert.equal(kept, first.events.at(-1)?.cursor, "the cursor is the last event handled");

    // While nobody follows: the water company accepts, the power company acknowledges.
    await writeBack(tokens["KF-WATER"]!, "acceptAssignment", water);
    await writeBack(tokens["KF-POWER"]!, "acknowledgeAssignment", assignment(filed, "ELECTRICITY"));

    const second = watch(applicant(), filed.id, kept);
    await waitFor(() => kinds(second.events).includes("ASSIGNMENT_ACCEPTED") && kinds(second.events).filter((k) => k === "ASSIGNMENT_RECEIVED").length >= 1,
      "the events missed while away");
    second.close();
    assert.deepEqual([...cursors(first.events), ...cursors(second.events)], await history(filed.id, second.events.at(-1)!.cursor));
  });

  test("reconnects with growing back-off through an outage and misses nothing", async () => {
    const filed = await newCase();
    const flaky = await flakyNetwork();
    const client = applicant({ url: flaky.url, reconnect: { minDelayMs: 50, maxDelayMs: 400 } });
    const w = watch(client, filed.id, "0");
    await waitFor(() => w.events.length >= 3 && states(w).includes("live"), "the replay");

    flaky.refuse(true);
    flaky.cut();
    const water = await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", assignment(filed, "WATER"));
    await writeBack(tokens["KF-WATER"]!, "acceptAssignment", water);
    await waitFor(() => w.statuses.filter((s) => s.state === "waiting").length >= 4, "four failed attempts");
    flaky.refuse(false);
    await waitFor(() => kinds(w.events).includes("ASSIGNMENT_ACCEPTED"), "the events of the outage");
    w.close();

    const waits = w.statuses.flatMap((s) => (s.state === "waiting" ? [s] : []));
    assert.deepEqual(waits.slice(0, 4).map((s) => s.attempt), [1, 2, 3, 4]);
    waits.slice(0, 4).forEach((s, i) => {
      const ceiling = Math.min(400, 50 * 2 ** i);
      assert.ok(s.delayMs >= ceiling / 2 && s.delayMs <= ceiling, `attempt ${s.attempt}: ${s.delayMs} ms`);
    });
    assert.equal(waits[0]?.reason.kind === "closed" && waits[0].reason.code, 1006);
    assert.equal(w.errors.length, 0);
    assert.deepEqual(cursors(w.events), await history(filed.id, w.events.at(-1)!.cursor));
  });

  test("a dead link is noticed by the keep-alive and replaced, resuming where it stopped", async () => {
    const filed = await newCase();
    const flaky = await flakyNetwork();
    const client = applicant({ url: flaky.url, reconnect: { minDelayMs: 50, maxDelayMs: 200, keepAliveMs: 200 } });
    const w = watch(client, filed.id, "0");
    await waitFor(() => w.events.length >= 3 && states(w).includes("live"), "the replay");

    flaky.freeze(); // the event below goes into a connection that carries nothing
    await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", assignment(filed, "WATER"));
    await waitFor(() => kinds(w.events).includes("ASSIGNMENT_RECEIVED"), "the event, over a new connection");
    w.close();
    assert.ok(w.statuses.some((s) => s.state === "waiting" && s.reason.kind === "closed" && s.reason.code === 4499));
    assert.deepEqual(cursors(w.events), await history(filed.id, w.events.at(-1)!.cursor));
  });

  test("when the token expires mid-stream, a new one is asked for and the follow goes on", async () => {
    const filed = await newCase();
    const shortLived = await mintToken("APPLICANT", { subject: idNumber, ttl: 2 });
    let asked = 0;
    const client = applicant({ token: () => (++asked === 1 ? shortLived : applicantToken) });
    const w = watch(client, filed.id, "0");
    await waitFor(() => w.statuses.some((s) => s.state === "waiting" && s.reason.kind === "closed" && s.reason.code === 4403),
      "the hub to close the stream at the token's expiry", 10_000);
    await waitFor(() => states(w).filter((s) => s === "live").length >= 2, "the renewed connection");
    await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", assignment(filed, "WATER"));
    await waitFor(() => kinds(w.events).includes("ASSIGNMENT_RECEIVED"), "the event after renewal");
    w.close();
    assert.equal(asked, 2);
    assert.deepEqual(cursors(w.events), await history(filed.id, w.events.at(-1)!.cursor));
  });

  test("a token the hub refuses, with no new one to offer, stops the follow: unauthenticated", async () => {
    const filed = await newCase();
    const forged = applicantToken.slice(0, -4) + "AAAA";
    for (const token of [forged, () => forged]) {
      const w = watch(applicant({ token }), filed.id, "0");
      await waitFor(() => w.errors.length > 0, "the follow to stop");
      assert.equal(w.errors[0]?.kind, "unauthenticated");
      assert.deepEqual(w.events, []);
      assert.deepEqual(w.statuses.at(-1), { state: "stopped", error: w.errors[0] });
    }
  });

  test("following a case that is not yours is refused NOT_FOUND, as if it did not exist", async () => {
    const filed = await newCase();
    const stranger = applicant({ token: strangerToken });
    const w = watch(stranger, filed.id, "0");
    await waitFor(() => w.errors.length > 0, "the refusal");
    assert.deepEqual(w.errors, [{ kind: "refused", errors: [{ field: null, code: "NOT_FOUND", message: "no such case" }] }]);
  });

  test("an onEvent that throws stops the follow, and the cursor stays before that event", async () => {
    const filed = await newCase();
    const w = watch(applicant(), filed.id, "0", (event) => {
      if (event.kind === "ASSIGNMENT_CREATED") {
        throw new Error("the screen is gone");
      }
    });
    await waitFor(() => w.errors.length > 0, "the follow to stop");
    assert.deepEqual(kinds(w.events), ["CASE_SUBMITTED"]);
    assert.equal(w.cursor(), w.events[0]?.cursor);
    assert.equal(w.errors[0]?.kind === "handler" && w.errors[0].message, "the screen is gone");
  });
});
