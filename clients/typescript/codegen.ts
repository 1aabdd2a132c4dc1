// Types and documents from the hub's public contract (schema/hub.graphql) and the operations in src/operations.
// `npm run codegen` writes src/generated/ (committed); `npm run check:generated` fails when it is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";
import { Kind, type DocumentNode } from "graphql";

function operationName(document: DocumentNode): Record<string, unknown> {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return { operationName: operation && "name" in operation ? operation.name?.value : undefined };
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
        // The documents are sent by the text in persisted-documents.json (keyed "sha256:<hex>"), so the
        // generated objects carry only that key and the operation's name.
        persistedDocuments: { hashAlgorithm: "sha256", mode: "replaceDocumentWithHash" },
        onExecutableDocumentNode: operationName,
      },
    },
  },
};
export default config;
