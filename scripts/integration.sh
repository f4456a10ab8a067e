#!/usr/bin/env bash
# npm run test:integration: the extension's mocha suites inside a real VS Code extension host (code-server
# 4.100.3 = VS Code 1.100.3, through ../shared/vscode-host/host.sh), against a throw-away project folder
# holding the Fashion-MNIST sample. Screenshots of the workbench land in test-results/screenshots/.
#
# The host runs from a private VSHOST_HOME (symlinks to the shared code-server install) on a free port, so it
# never stops a host someone else on the machine is using. Exit code = the suites' result.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOST_SH=${VSHOST_SH:-$ROOT/../shared/vscode-host/host.sh}
SHARED_HOME=${VSHOST_HOME:-/tmp/vshost/host}
t0=$SECONDS

node scripts/build.mjs                                   # dist/extension.js, dist/cli.js, out/test/integration/*
VSHOST_HOME=$SHARED_HOME bash "$HOST_SH" install         # idempotent: ~1 s once installed

PRIV=$(mktemp -d /tmp/modelport-exthost-XXXXXX)
ln -s "$SHARED_HOME/code-server" "$PRIV/code-server"
ln -s "$SHARED_HOME/tools" "$PRIV/tools"
for f in cli-config.yaml node-dir; do [ -e "$SHARED_HOME/$f" ] && cp "$SHARED_HOME/$f" "$PRIV/$f"; done
export VSHOST_HOME=$PRIV
VSHOST_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export VSHOST_PORT
export VSHOST_SHOT_DIR=$ROOT/test-results/screenshots
# The ACI suite builds, pushes and starts container images twice: more than host.sh's default 10 minutes in all.
export VSHOST_TEST_TIMEOUT_MS=${VSHOST_TEST_TIMEOUT_MS:-1800000}
mkdir -p "$VSHOST_SHOT_DIR"
bash "$HOST_SH" install >/dev/null 2>&1                  # writes the runner scripts into the private home

# The project folder the workbench opens: the sample model with its config, labels and one image.
WS=$PRIV/project
mkdir -p "$WS/fashion"
cp samples/fashion-mnist/model.onnx samples/fashion-mnist/model.json samples/fashion-mnist/labels.txt "$WS/fashion/"
cp samples/fashion-mnist/images/sneaker.png "$WS/fashion/"

# The Azure doubles (test/doubles/azure) for the ACI suite, in a process of their own: the extension host must
# start with their CA, authority, endpoint and nss_wrapper in its environment. Without an engine, a registry or
# nss_wrapper they write only MODELPORT_TEST_AZURE_SKIP (the reason), and the ACI suite skips with it.
AZ_ENV=$PRIV/azure-doubles.env
node --import tsx test/doubles/azure/serveDoubles.ts "$AZ_ENV" &
AZ_PID=$!
for _ in $(seq 1 300); do [ -s "$AZ_ENV" ] && break; kill -0 "$AZ_PID" 2>/dev/null || break; sleep 0.1; done
if [ -s "$AZ_ENV" ]; then
  # shellcheck disable=SC1090
  source "$AZ_ENV"
  # nss_wrapper only for the workbench server and its extension host (given at `host.sh start` below): Chromium,
  # which host.sh's test runner drives, does not close under it.
  AZ_PRELOAD=${LD_PRELOAD:-}
  unset LD_PRELOAD
else
  export MODELPORT_TEST_AZURE_SKIP="the Azure doubles did not start"
fi

cleanup() {
  # The Azure doubles remove the container groups they run when they stop.
  if kill -0 "$AZ_PID" 2>/dev/null; then kill "$AZ_PID" 2>/dev/null || true; wait "$AZ_PID" 2>/dev/null || true; fi  # ≤ 60 s
  # Services the suites deployed and did not delete (a failed test) are detached processes: stop them by
  # the pids their hosts recorded, then the workbench.
  for hostfile in "$WS"/.modelport/services/*/host.json; do
    [ -f "$hostfile" ] || continue
    pid=$(node -e "try{console.log(JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')).pid)}catch{}" "$hostfile")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  bash "$HOST_SH" stop || true
  rm -rf "$PRIV"
}
trap cleanup EXIT

# MODELPORT_VSIX=file.vsix runs the same suites against the packaged extension (unzipped), so the service
# host runs from the VSIX's own dist/cli.js and dist/node_modules, as after an install.
EXT_DIR=$ROOT
if [ -n "${MODELPORT_VSIX:-}" ]; then
  mkdir -p "$PRIV/vsix" && (cd "$PRIV/vsix" && unzip -q "$(cd "$ROOT" && realpath "$MODELPORT_VSIX")")
  EXT_DIR=$PRIV/vsix/extension
  echo "testing the packaged extension: $MODELPORT_VSIX"
fi

LD_PRELOAD=${AZ_PRELOAD:-} bash "$HOST_SH" start
rc=0
bash "$HOST_SH" test "$EXT_DIR" "$ROOT/out/test/integration/index" "$WS" || rc=$?

# The explorer context menu needs a real right-click: a separate Playwright pass over the same workbench.
if [ $rc -eq 0 ]; then
  PLAYWRIGHT_CORE=$PRIV/tools/node_modules/playwright-core node test/integration/screenshots/explorerMenu.mjs \
    "http://127.0.0.1:$VSHOST_PORT" "$EXT_DIR" "$WS" "$VSHOST_SHOT_DIR/explorer-context-menu.png" || rc=$?
fi
echo "integration: exit $rc in $((SECONDS - t0)) s; screenshots in $VSHOST_SHOT_DIR"
exit $rc
