// How an operation travels: its full text (default), its persisted-document id, or the Apollo APQ hash.
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";

/**
 * `query`: send the document's text (the default; works with every hub).
 * `id`: send `documentId: "sha256:<hex>"` only (GraphQL over HTTP, persisted documents); the hub must know the manifest.
 * `apq`: send `extensions.persistedQuery.sha256Hash`; when the hub answers PersistedQueryNotFound, send the text with it.
 */
export type DocumentMode = "query" | "id" | "apq";

export interface Operation {
  /** "sha256:<hex>" of `text`: the key in persisted-documents.json. */
  id: string;
  name: string;
  text: string;
}

type Meta = { __meta__?: { hash?: string; operationName?: string; text?: string } };

/** The id, name and text of one of this package's generated documents (see codegen.ts). */
export function operation<R, V>(document: DocumentTypeDecoration<R, V>): Operation {
  const meta = (document as Meta).__meta__;
  if (!meta?.hash || !meta.operationName || meta.text === undefined) {
    throw new TypeError("not a document generated into this package (run `npm run codegen`)");
  }
  return { id: meta.hash, name: meta.operationName, text: meta.text };
}

/** The request body (or WebSocket `subscribe` payload); `withText` adds the text to an APQ request. */
export function requestBody(op: Operation, variables: unknown, mode: DocumentMode, withText = false): Record<string, unknown> {
  const common = { operationName: op.name, variables };
  switch (mode) {
    case "query":
      return { query: op.text, ...common };
    case "id":
      return { documentId: op.id, ...common };
    case "apq": {
      const extensions = { persistedQuery: { version: 1, sha256Hash: op.id.slice("sha256:".length) } };
      return withText ? { query: op.text, ...common, extensions } : { ...common, extensions };
    }
  }
}
