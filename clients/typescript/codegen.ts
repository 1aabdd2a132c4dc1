// Types and documents from the hub's public contract (schema/hub.graphql) and the operations in src/operations.
// `npm run codegen` writes src/generated/ (committed); `npm run check:generated` fails when it is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";
import { printExecutableGraphQLDocument } from "@graphql-tools/documents";
import { Kind, type DocumentNode } from "graphql";

/** What the client sends: the operation's name and the same normalised text the manifest holds under its hash. */
function sendable(document: DocumentNode): Record<string, unknown> {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return {
    operationName: operation && "name" in operation ? operation.name?.value : undefined,
    text: printExecutableGraphQLDocument(document),
  };
}

const config: CodegenConfig = {
  schema: "../../schema/hub.graphql",
  documents: ["src/operations/*.graphql"],
  importExtension: ".js",
  generates: {
    "src/generated/": {
      preset: "client",
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: "string", Date: "string", JSON: "unknown" },
      },
      presetConfig: {
        fragmentMasking: false,
        // persisted-documents.json maps "sha256:<hex>" to each document's normalised text; the generated
        // documents carry that hash, the operation's name and the very text (no parsed AST).
        persistedDocuments: { hashAlgorithm: "sha256", mode: "replaceDocumentWithHash" },
        onExecutableDocumentNode: sendable,
      },
    },
  },
};
export default config;
