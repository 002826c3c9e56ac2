#!/bin/sh
# The meson test gql-conformance: compare.js when node and the pinned graphql-js
# are installed (npm ci in tests/conformance), else skip (exit 77).
dir=$(dirname "$0")
if [ -n "${ESO_UNDER_VALGRIND:-}" ]; then
  # Under memcheck (meson test --setup valgrind): node would be traced too. Run the
  # engine's driver alone over the whole corpus instead; memcheck judges it.
  "$@" >/dev/null
  exit $?
fi
if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed: skipped (ci/conformance installs it)"
  exit 77
fi
if [ ! -f "$dir/node_modules/graphql/package.json" ]; then
  echo "graphql-js is not installed in $dir/node_modules: skipped (run: npm ci --prefix $dir)"
  exit 77
fi
exec node "$dir/compare.js" "$@"
