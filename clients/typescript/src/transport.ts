// HTTP to the hub: one POST per operation (and per uploaded file), its answer mapped to a Result (401/403/503 and
// network failures typed).
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { operation, requestBody, type DocumentMode } from "./documents.js";
import { describe, fail, fromGraphQLErrors, ok, type GraphQLErrorLike, type HubError, type Result } from "./errors.js";

/** A bearer token, or a function giving the current one (called before each request and each WebSocket connection). */
export type TokenSource = string | (() => string | Promise<string>);

/** Where and how this client talks to the hub. */
export interface Link {
  /** `<url>/graphql` */
  endpoint: string;
  /** `<url>/files`: where material files are uploaded. */
  files: string;
  token: () => Promise<string>;
  fetch: typeof fetch;
  documents: DocumentMode;
  /** Sent as Accept-Language when set (HubClientOptions.language). */
  language?: string;
}

/** A GraphQL answer; the hub's other JSON answers (POST /files) use the same `errors` list, with `field` and `code`. */
export interface GraphQLResponse {
  data?: unknown;
  errors?: GraphQLErrorLike[];
  [key: string]: unknown;
}

interface Answer {
  status: number;
  body: GraphQLResponse;
}

const RETRY_LATER = new Set([429, 502, 503, 504]);

export async function execute<R, V>(link: Link, document: DocumentTypeDecoration<R, V>, variables: V): Promise<Result<R>> {
  const op = operation(document);
  let answer = await post(link, requestBody(op, variables, link.documents));
  if (link.documents === "apq" && answer.ok && notPersisted(answer.value.body)) {
    answer = await post(link, requestBody(op, variables, "apq", true)); // register the text with its hash
  }
  if (!answer.ok) {
    return answer;
  }
  const { status, body } = answer.value;
  if (body.errors?.length) {
    return fail(fromGraphQLErrors(body.errors, status));
  }
  return ok(body.data as R);
}

async function post(link: Link, request: Record<string, unknown>): Promise<Result<Answer>> {
  const sent = await send(link, link.endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
    body: JSON.stringify(request),
  });
  if (!sent.ok) {
    return sent;
  }
  const { response, body } = sent.value;
  const refused = statusError(response, body);
  if (refused) {
    return fail(refused);
  }
  if (body && (body.data !== undefined || body.errors)) {
    return ok({ status: response.status, body });
  }
  return fail({ kind: "server", status: response.status, message: messageOf(response, body), incident: null });
}

/** One authenticated request to the hub, its answer read as JSON (`null` when it is not JSON). */
export async function send(link: Link, url: string, init: RequestInit & { headers: Record<string, string> }):
  Promise<Result<{ response: Response; body: GraphQLResponse | null }>> {
  let token: string;
  try {
    token = await link.token();
  } catch (cause) {
    return fail({ kind: "unauthenticated", message: `no token: ${describe(cause)}` });
  }
  let response: Response;
  try {
    const language: Record<string, string> = link.language ? { "accept-language": link.language } : {};
    response = await link.fetch(url, { ...init, headers: { ...init.headers, ...language, authorization: `Bearer ${token}` } });
  } catch (cause) {
    return fail({ kind: "network", message: describe(cause), cause });
  }
  return ok({ response, body: await readJson(response) });
}

/** The typed error an HTTP status says by itself (401, 403, 429/502/503/504), or null. */
export function statusError(response: Response, body: GraphQLResponse | null): HubError | null {
  const message = messageOf(response, body);
  if (response.status === 401) {
    return { kind: "unauthenticated", message };
  }
  if (response.status === 403) {
    return { kind: "forbidden", message };
  }
  if (RETRY_LATER.has(response.status)) {
    const retryAfterSeconds = retryAfter(response.headers.get("retry-after"));
    return { kind: "unavailable", status: response.status, message, retryAfterSeconds };
  }
  return null;
}

export function messageOf(response: Response, body: GraphQLResponse | null): string {
  return body?.errors?.[0]?.message ?? `HTTP ${response.status} ${response.statusText}`.trim();
}

async function readJson(response: Response): Promise<GraphQLResponse | null> {
  try {
    const body: unknown = await response.json();
    return typeof body === "object" && body !== null ? (body as GraphQLResponse) : null;
  } catch {
    return null; // not JSON (a gateway's HTML page), or the connection broke mid-answer
  }
}

/** Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(header: string | null): number | null {
  if (!header) {
    return null;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim());
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function notPersisted(body: GraphQLResponse): boolean {
  return (body.errors ?? []).some(
    (e) => e.message === "PersistedQueryNotFound" || e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND",
  );
}
