#!/usr/bin/env bash
# Re-fetches the GraphiQL page's browser files from the npm registry at pinned versions into hub/static/graphiql/,
# so the hub serves every file of the page itself (no CDN at run time). Needs npm. Run from the checkout:
#   scripts/vendor-graphiql.sh          fetch and check against hub/static/graphiql/SHA256SUMS
#   scripts/vendor-graphiql.sh --update fetch and rewrite SHA256SUMS (after changing a version below)
# graphiql 4.1 is the last release that ships a UMD bundle for plain <script> tags (5.x is ESM with Monaco
# workers); it runs on React 18 and bundles graphql-js and graphql-ws (subscriptions over graphql-transport-ws).
set -euo pipefail
GRAPHIQL=4.1.2
REACT=18.3.1
cd "$(dirname "$0")/.."
dest=hub/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package@version → unpacked under $work/<package>/
  local spec=$1 name=${1%@*}
  mkdir -p "$work/$name"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tar xzf "$work/${name}-${spec##*@}.tgz" -C "$work/$name" --strip-components=1
}
fetch "graphiql@$GRAPHIQL"
fetch "react@$REACT"
fetch "react-dom@$REACT"

mkdir -p "$dest"
cp "$work/graphiql/graphiql.min.js" "$work/graphiql/graphiql.min.css" "$dest/"
cp "$work/react/umd/react.production.min.js" "$work/react-dom/umd/react-dom.production.min.js" "$dest/"
{
  echo "Files in this folder other than hub-graphiql.* and SHA256SUMS are copied unchanged from npm packages by"
  echo "scripts/vendor-graphiql.sh: graphiql@$GRAPHIQL (graphiql.min.js, graphiql.min.css; the bundle includes"
  echo "graphql-js, graphql-ws, CodeMirror 5 and their dependencies, all MIT-licensed), react@$REACT and"
  echo "react-dom@$REACT (UMD production builds). Their licences follow."
  for package in graphiql react react-dom; do
    printf '\n==== %s ====\n\n' "$package"
    cat "$work/$package/LICENSE"
  done
} > "$dest/LICENSES.txt"

cd "$dest"
vendored=(graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js LICENSES.txt)
if [[ "${1:-}" == "--update" ]]; then
  sha256sum "${vendored[@]}" > SHA256SUMS
fi
sha256sum --check --quiet SHA256SUMS
echo "vendored graphiql@$GRAPHIQL react@$REACT react-dom@$REACT into $dest"
