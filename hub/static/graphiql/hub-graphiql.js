// The hub's GraphiQL page: a token bar above GraphiQL. The token is kept for this tab only (sessionStorage) and
// sent as `Authorization: Bearer` on HTTP and in connection_init on the WebSocket (graphql-transport-ws).
(function () {
  "use strict";
  const h = React.createElement;
  const config = JSON.parse(document.getElementById("hub-graphiql-config").textContent);
  const STORE = "hub.graphiql.token";
  const endpoint = new URL(window.location.pathname, window.location.href);
  const socket = new URL(endpoint);
  socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  function claims(token) {  // shown to the user only; the hub verifies the token
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part));
    } catch (e) {
      return null;
    }
  }

  function describe(token) {
    const c = claims(token);
    if (!c) return "a token that is not a JWT";
    const roles = Array.isArray(c.roles) ? c.roles.join(", ") : "no roles";
    const expired = c.exp && c.exp * 1000 < Date.now() ? " (expired)" : "";
    return `${c.sub || "?"} · ${roles}${c.org ? " · " + c.org : ""}${expired}`;
  }

  function fetcherFor(token) {
    if (!token) {
      return async () => ({ errors: [{ message: "No token yet: pick a role or paste a token above." }] });
    }
    const authorization = "Bearer " + token;
    const fetcher = GraphiQL.createFetcher({
      url: endpoint.href,
      subscriptionUrl: socket.href,
      headers: { Authorization: authorization },
      wsConnectionParams: { Authorization: authorization },
    });
    // GraphiQL sends an operation over the WebSocket only when the editor's parsed document says it is a
    // subscription; run at once after pasting, that parse may not have happened yet and the subscription would
    // go out as an HTTP POST (refused). So the operation's kind is read from the text sent.
    return (params, options) => isSubscription(params.query || "", params.operationName)
      ? fetcher(params, { ...options, documentAST: subscriptionDocument(params.operationName) })
      : fetcher(params, options);
  }

  // The top-level operations of a document as [kind, name], comments and strings skipped.
  function operations(text) {
    const found = [];
    const token = /#[^\n]*|"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|[{}]|\b(query|mutation|subscription|fragment)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
    let depth = 0, named = false;  // named: a definition's keyword was read, its selection set not yet opened
    for (let m; (m = token.exec(text)); ) {
      if (m[0] === "{") {
        if (depth === 0 && !named) found.push(["query", undefined]);  // the shorthand `{ … }`
        depth += 1;
        named = false;
      } else if (m[0] === "}") {
        depth = Math.max(0, depth - 1);
      } else if (m[1] && depth === 0) {
        found.push([m[1], m[2]]);
        named = true;
      }
    }
    return found.filter((op) => op[0] !== "fragment");
  }

  function isSubscription(text, name) {
    const ops = operations(text);
    const chosen = name ? ops.find((op) => op[1] === name) : ops.length === 1 ? ops[0] : undefined;
    return Boolean(chosen && chosen[0] === "subscription");
  }

  function subscriptionDocument(name) {
    return { kind: "Document", definitions: [{
      kind: "OperationDefinition", operation: "subscription",
      name: name ? { kind: "Name", value: name } : undefined,
      selectionSet: { kind: "SelectionSet", selections: [] },
    }] };
  }

  // The query is kept in the address, so a reload or a shared link opens it again. Variables are not: they
  // often carry personal data, which has no place in browser history.
  function remember(name, value) {
    const url = new URL(window.location.href);
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
    window.history.replaceState(null, "", url);
  }

  function TokenBar(props) {
    const [pasted, setPasted] = React.useState("");
    const choices = props.demo.map((d) =>
      h("option", { key: d.token, value: d.token }, d.organisation ? `${d.role} (${d.organisation})` : d.role));
    return h("form", {
      className: "hub-token-bar",
      onSubmit: (e) => { e.preventDefault(); if (pasted.trim()) { props.onToken(pasted.trim()); setPasted(""); } },
    },
      h("strong", null, "Kaifeng utilities hub"),
      props.demo.length > 0 && h("label", null, "Demo role ",
        h("select", {
          "aria-label": "Demo role",
          value: props.demo.some((d) => d.token === props.token) ? props.token : "",
          onChange: (e) => props.onToken(e.target.value),
        }, h("option", { value: "" }, "choose…"), choices)),
      h("label", null, "Token ",
        h("input", {
          "aria-label": "Token", type: "password", autoComplete: "off", placeholder: "paste a bearer token",
          value: pasted, onChange: (e) => setPasted(e.target.value),
        })),
      h("button", { type: "submit" }, "Use token"),
      h("span", { className: "hub-token-status", role: "status" },
        props.token ? "Using " + describe(props.token) : "No token: API calls will be refused"),
      props.token && h("button", { type: "button", onClick: () => props.onToken("") }, "Forget token"));
  }

  function Page() {
    const [token, setToken] = React.useState(() => sessionStorage.getItem(STORE) || "");
    const [demo, setDemo] = React.useState([]);
    const params = new URLSearchParams(window.location.search);
    React.useEffect(() => {
      if (!config.demoTokens) return;
      fetch(config.demoTokens, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : []))
        .then(setDemo, () => setDemo([]));
    }, []);
    const fetcher = React.useMemo(() => fetcherFor(token), [token]);
    const choose = (value) => {
      if (value) sessionStorage.setItem(STORE, value);
      else sessionStorage.removeItem(STORE);
      setToken(value);
    };
    return h("div", { className: "hub-page" },
      h(TokenBar, { token, demo, onToken: choose }),
      h("div", { className: "hub-graphiql-frame" },
        // A new token is a new caller: remount so the schema is fetched again with it.
        h(GraphiQL, {
          key: token,
          fetcher,
          query: params.get("query") || undefined,
          onEditQuery: (q) => remember("query", q),
          defaultEditorToolsVisibility: true,
        })));
  }

  ReactDOM.createRoot(document.getElementById("hub-graphiql")).render(h(Page));
})();
