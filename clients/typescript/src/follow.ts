// Following one case live over graphql-transport-ws: replay after the caller's cursor, then live; reconnect with
// capped, jittered back-off, resuming after the last event received, so nothing is missed or repeated.
import { createClient, type Client, type SubscribePayload } from "graphql-ws";
import { operation, requestBody, type DocumentMode } from "./documents.js";
import { describe, fromGraphQLErrors, type HubError } from "./errors.js";
import { CaseEventsDocument, type CaseEventsSubscription } from "./generated/graphql.js";

export type CaseEvent = CaseEventsSubscription["caseEvents"];

/** Why a follow stopped: the hub's answer, or `handler` when `onEvent` threw (its event was not counted as done). */
export type FollowError = HubError | { kind: "handler"; message: string; cause: unknown };

export type FollowStatus =
  | { state: "connecting" }
  | { state: "live" }
  | { state: "waiting"; attempt: number; delayMs: number; reason: HubError }
  | { state: "stopped"; error: FollowError | null };

export interface FollowOptions {
  /** The cursor of the last event you processed; "0" replays the case's whole history; null: new events only. */
  after: string | null;
  /** Called once per event, in order; the next waits until it returns (or its promise settles). */
  onEvent(event: CaseEvent): void | Promise<void>;
  /** The follow stopped for good (events received before are delivered first). */
  onError?(error: FollowError): void;
  onStatus?(status: FollowStatus): void;
}

export interface ReconnectOptions {
  /** First delay before reconnecting; it doubles per failed attempt (with jitter). Default 1000. */
  minDelayMs: number;
  /** Longest delay. Default 30000. */
  maxDelayMs: number;
  /** Ping the hub this often; no pong within as long again drops the connection (and reconnects). Default 15000. */
  keepAliveMs: number;
}

export interface SocketLink {
  url: string;
  token: () => Promise<string>;
  /** The token comes from a function, so asking again may give a renewed one. */
  renewable: boolean;
  documents: DocumentMode;
  webSocketImpl: unknown;
  reconnect: ReconnectOptions;
  language?: string;
}

// Close codes after which a new connection may well succeed (as in the Python client): the hub restarting, the
// network, an initialisation timeout, and 4499 (dropped for falling behind, or our own keep-alive giving up).
const RECONNECT_CODES = new Set([1000, 1001, 1006, 1011, 1012, 1013, 4408, 4499, 4504]);
const TOKEN_REFUSED = 4403; // token expired or revoked: worth asking for a new one, once

type Outcome = { retry: true; reason: HubError; renew: boolean } | { retry: false; error: HubError };

export class CaseFollow {
  #state: "running" | "ending" | "stopped" = "running";
  #cursor: string | null;
  #resumeAfter: string | null;
  #delivery: Promise<void> = Promise.resolve();
  #client: Client | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #token: string | undefined; // the token of the current connection
  #refused: string | undefined; // a token the hub refused, until a connection with a new one is accepted

  constructor(
    private readonly link: SocketLink,
    private readonly caseId: string,
    private readonly options: FollowOptions,
  ) {
    this.#cursor = this.#resumeAfter = options.after;
    void this.#connect();
  }

  /** The cursor of the last event `onEvent` finished: keep it, and pass it as `after` to follow again later. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** Stop now: after the `stopped` status, no more callbacks. */
  close(): void {
    if (this.#state === "stopped") {
      return;
    }
    this.#state = "stopped";
    this.#teardown();
    this.options.onStatus?.({ state: "stopped", error: null });
  }

  async #connect(): Promise<void> {
    this.#status({ state: "connecting" });
    let token: string;
    try {
      token = await this.link.token();
    } catch (cause) {
      return this.#fail({ kind: "unauthenticated", message: `no token: ${describe(cause)}` });
    }
    if (this.#state !== "running") {
      return;
    }
    if (token === this.#refused) {
      return this.#fail({ kind: "unauthenticated", message: "the hub refused the token, and no new one was given" });
    }
    this.#token = token;
    let closeEvent: unknown = null;
    let pongDue: ReturnType<typeof setTimeout> | undefined;
    const { keepAliveMs } = this.link.reconnect;
    const variables = { caseId: this.caseId, after: this.#resumeAfter };
    const message = subscribeMessage(requestBody(operation(CaseEventsDocument), variables, this.link.documents, true));
    const client: Client = createClient({
      url: this.link.url,
      webSocketImpl: this.link.webSocketImpl,
      connectionParams: { Authorization: `Bearer ${token}`, ...(this.link.language ? { "Accept-Language": this.link.language } : {}) },
      lazy: true,
      retryAttempts: 0, // reconnecting is ours: graphql-ws would resubscribe from the first cursor
      keepAlive: keepAliveMs,
      jsonMessageReplacer: message.replacer,
      on: {
        connected: () => {
          this.#attempt = 0;
          this.#refused = undefined;
          this.#status({ state: "live" });
        },
        ping: (received) => {
          if (!received) {
            pongDue = setTimeout(() => client.terminate(), keepAliveMs);
          }
        },
        pong: (received) => {
          if (received) {
            clearTimeout(pongDue);
          }
        },
        closed: (event) => {
          clearTimeout(pongDue);
          closeEvent = event;
          dispose(client); // also stops graphql-ws resubscribing by itself after a 1000 close
        },
      },
    });
    this.#client = client;
    client.subscribe(message.payload, {
      next: (result) => {
        const event = (result.data as CaseEventsSubscription | null | undefined)?.caseEvents;
        if (event) {
          this.#receive(client, event);
        } else {
          this.#ended(client, result.errors ?? []);
        }
      },
      error: (error) => this.#ended(client, error),
      complete: () => this.#ended(client, closeEvent),
    });
  }

  #receive(client: Client, event: CaseEvent): void {
    if (client !== this.#client) {
      return;
    }
    this.#resumeAfter = event.cursor; // every event received is delivered, in order, so a reconnect resumes here
    this.#delivery = this.#delivery.then(() => this.#deliver(event));
  }

  async #deliver(event: CaseEvent): Promise<void> {
    if (this.#state === "stopped") {
      return;
    }
    try {
      await this.options.onEvent(event);
    } catch (cause) {
      this.#state = "stopped";
      this.#teardown();
      this.#report({ kind: "handler", message: describe(cause), cause });
      return;
    }
    this.#cursor = event.cursor;
  }

  #ended(client: Client, reason: unknown): void {
    if (client !== this.#client || this.#state !== "running") {
      return;
    }
    this.#client = undefined;
    dispose(client);
    const outcome = this.#classify(reason);
    if (!outcome.retry) {
      return this.#fail(outcome.error);
    }
    const delayMs = outcome.renew ? 0 : this.#backoff();
    this.#attempt += 1;
    this.#status({ state: "waiting", attempt: this.#attempt, delayMs, reason: outcome.reason });
    this.#timer = setTimeout(() => void this.#connect(), delayMs);
  }

  #classify(reason: unknown): Outcome {
    if (Array.isArray(reason)) {
      return { retry: false, error: fromGraphQLErrors(reason, 200) };
    }
    if (reason === null) {
      return { retry: true, reason: { kind: "closed", code: 1000, reason: "subscription completed" }, renew: false };
    }
    if (isCloseEvent(reason)) {
      const closed: HubError = { kind: "closed", code: reason.code, reason: reason.reason };
      if (reason.code === TOKEN_REFUSED) {
        if (this.link.renewable && this.#refused === undefined) {
          this.#refused = this.#token;
          return { retry: true, reason: closed, renew: true };
        }
        return { retry: false, error: { kind: "unauthenticated", message: `the hub refused the token: ${reason.reason}` } };
      }
      return RECONNECT_CODES.has(reason.code) ? { retry: true, reason: closed, renew: false } : { retry: false, error: closed };
    }
    const message = (reason as { message?: unknown } | undefined)?.message;
    return { retry: true, reason: { kind: "network", message: typeof message === "string" ? message : "WebSocket error", cause: reason }, renew: false };
  }

  /** Exponential back-off with jitter: half to all of min·2^attempt, capped at max. */
  #backoff(): number {
    const { minDelayMs, maxDelayMs } = this.link.reconnect;
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** this.#attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  #fail(error: HubError): void {
    if (this.#state !== "running") {
      return;
    }
    this.#state = "ending";
    this.#teardown();
    this.#delivery = this.#delivery.then(() => {
      if (this.#state === "ending") {
        this.#state = "stopped";
        this.#report(error);
      }
    });
  }

  #report(error: FollowError): void {
    this.options.onStatus?.({ state: "stopped", error });
    this.options.onError?.(error);
  }

  #status(status: FollowStatus): void {
    if (this.#state === "running") {
      this.options.onStatus?.(status);
    }
  }

  #teardown(): void {
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      dispose(client);
    }
  }
}

type Replacer = (this: unknown, key: string, value: unknown) => unknown;

/** graphql-ws insists on a `query` string; a document sent by id has none: it goes as "" and is left out of the JSON. */
function subscribeMessage(body: Record<string, unknown>): { payload: SubscribePayload; replacer?: Replacer } {
  if ("query" in body) {
    return { payload: body as unknown as SubscribePayload };
  }
  const payload = { ...body, query: "" };
  const replacer: Replacer = function (key, value) {
    return this === payload && key === "query" ? undefined : value;
  };
  return { payload, replacer };
}

function dispose(client: Client): void {
  // Disposing a client whose connection failed rejects with that failure, which is already being handled.
  Promise.resolve(client.dispose()).catch(() => undefined);
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "number" && "reason" in value;
}
