#!/usr/bin/env bash
# Local demo of logs-token-gateway, with nothing but a JDK (17 or newer) and bash:
#   1. builds the gateway (./mvnw package; the build also fetches OpenSearch 2.19.1 from Maven Central),
#   2. starts a real OpenSearch on 127.0.0.1:9201 (state under target/demo/),
#   3. starts the gateway: management on :8080, search API on :9200 (in front of that OpenSearch),
#      Graylog API on :9000 (no Graylog behind it in this demo: its /api answers 502),
#   4. with the gateway's own APIs, creates service ldp-demo-00001 and an API token, indexes three
#      sample log documents through the gateway with that token, and prints commands to try,
#   5. stays in the foreground; Ctrl-C stops the gateway and OpenSearch.
#
# Every listener binds 127.0.0.1 only (DEMO_BIND_HOST=0.0.0.0 to open them to the network).
# Logs: target/demo/gateway.log and target/demo/opensearch.log. State (the registry, OpenSearch data)
# stays in target/demo between runs; delete that folder to start afresh.
# DEMO_SKIP_BUILD=1 reuses an existing target/quarkus-app.
set -Eeuo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd -P)
DEMO="$ROOT/target/demo"
OS_HTTP_PORT=9201
OS_TRANSPORT_PORT=9301
OS_USER=ltg-opensearch
BIND_HOST=${DEMO_BIND_HOST:-127.0.0.1}
SERVICE=ldp-demo-00001
USERNAME=logs-demo-00001

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nrun-demo.sh: %s\n' "$*" >&2; exit 1; }
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }

# ---------------------------------------------------------------- the JDK

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA=$(command -v java) || die "no java found: install a JDK 17 (or newer) or set JAVA_HOME"
fi
JAVA_PROPS=$("$JAVA" -XshowSettings:properties -version 2>&1)
JDK_HOME=$(sed -n 's/^ *java\.home = //p' <<<"$JAVA_PROPS" | head -n 1)
JAVA_VERSION=$(sed -n 's/^ *java\.specification\.version = //p' <<<"$JAVA_PROPS" | head -n 1)
[[ -n "$JDK_HOME" && -n "$JAVA_VERSION" ]] || die "could not read the properties of $JAVA"
(( ${JAVA_VERSION%%.*} >= 17 )) 2>/dev/null || die "Java $JAVA_VERSION at $JDK_HOME: the gateway needs Java 17 or newer"
[[ -x "$JDK_HOME/bin/javac" && -x "$JDK_HOME/bin/jar" ]] \
  || die "$JDK_HOME is a JRE: the build and this demo need a full JDK (javac, jar)"
export JAVA_HOME="$JDK_HOME"
JAVA="$JAVA_HOME/bin/java"
# OpenSearch 2.19 relies on the Security Manager, which Java 24 removed: it needs a JDK 11 to 23.
OS_JAVA_HOME=${OPENSEARCH_JAVA_HOME:-$JAVA_HOME}
if (( ${JAVA_VERSION%%.*} >= 24 )) && [[ -z "${OPENSEARCH_JAVA_HOME:-}" ]]; then
  echo "run-demo.sh: warning: OpenSearch 2.19 does not run on Java $JAVA_VERSION; if it fails to start," \
    "set OPENSEARCH_JAVA_HOME to a JDK 17 or 21" >&2
fi

# ---------------------------------------------------------------- nothing may hold our ports

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 8080 9200 9000 "$OS_HTTP_PORT" "$OS_TRANSPORT_PORT"; do
  if port_busy "$port"; then
    die "port $port is already in use (an earlier demo still running? something else?); free it and retry"
  fi
done

# ---------------------------------------------------------------- stop everything on exit

GATEWAY_PID=
OPENSEARCH_PID=
HELPER_PID=
OS_PIDFILE="$DEMO/opensearch-run/opensearch.pid"

stop_pid() { # pid name seconds
  local pid=$1 name=$2 seconds=$3 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "run-demo.sh: $name (pid $pid) did not stop within ${seconds}s, killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$GATEWAY_PID$OPENSEARCH_PID" ]]; then
    echo
    echo "Stopping the demo..."
  fi
  stop_pid "$HELPER_PID" "demo helper" 5
  stop_pid "$GATEWAY_PID" gateway 20
  if [[ -n "$OPENSEARCH_PID" ]]; then
    # The OpenSearch JVM itself (runuser's child when started as root), then its launcher.
    [[ -f "$OS_PIDFILE" ]] && stop_pid "$(cat "$OS_PIDFILE" 2>/dev/null)" OpenSearch 30
    stop_pid "$OPENSEARCH_PID" "OpenSearch launcher" 10
  fi
  wait 2>/dev/null || true
  [[ -n "$GATEWAY_PID$OPENSEARCH_PID" ]] && echo "Gateway and OpenSearch stopped."
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs demo/Demo.java in the background and waits for it, so Ctrl-C or a TERM is handled at once.
demo_helper() {
  "$JAVA" demo/Demo.java "$@" &
  HELPER_PID=$!
  local status=0
  wait "$HELPER_PID" || status=$?
  HELPER_PID=
  return "$status"
}

# ---------------------------------------------------------------- 1. build

if [[ "${DEMO_SKIP_BUILD:-}" == 1 && -f target/quarkus-app/quarkus-run.jar && -f target/opensearch-dist/opensearch.zip ]]; then
  say "Reusing the existing build (DEMO_SKIP_BUILD=1)"
else
  say "Building the gateway: ./mvnw package (the first run downloads Maven, the dependencies and OpenSearch)"
  t0=$(now_ms)
  # Tests are neither compiled nor run; the OpenSearch zip is still copied (generate-test-resources).
  ./mvnw -q -Dmaven.test.skip=true package || die "the build failed (see above)"
  echo "Built in $(secs_since "$t0") s"
fi
[[ -f target/quarkus-app/quarkus-run.jar ]] || die "target/quarkus-app/quarkus-run.jar is missing after the build"
OS_ZIP="$ROOT/target/opensearch-dist/opensearch.zip"
[[ -f "$OS_ZIP" ]] || die "$OS_ZIP is missing after the build"

# ---------------------------------------------------------------- 2. OpenSearch

OS_HOME="$DEMO/opensearch"
OS_STAMP=$(cksum <"$OS_ZIP")
if [[ ! -x "$OS_HOME/bin/opensearch" || "$(cat "$OS_HOME/.unpacked-from" 2>/dev/null)" != "$OS_STAMP" ]]; then
  say "Unpacking OpenSearch into target/demo/opensearch"
  rm -rf "$OS_HOME" "$DEMO/opensearch-unpack"
  mkdir -p "$DEMO/opensearch-unpack"
  (cd "$DEMO/opensearch-unpack" && "$JAVA_HOME/bin/jar" xf "$OS_ZIP")
  top=("$DEMO"/opensearch-unpack/*)
  [[ ${#top[@]} -eq 1 && -d "${top[0]}/bin" ]] || die "unexpected layout in $OS_ZIP"
  chmod 0755 "${top[0]}"/bin/*          # zip extraction loses the Unix modes
  mkdir -p "${top[0]}/logs" "${top[0]}/plugins"
  printf '%s\n' "$OS_STAMP" >"${top[0]}/.unpacked-from"
  mv "${top[0]}" "$OS_HOME"
  rmdir "$DEMO/opensearch-unpack"
fi
mkdir -p "$DEMO/opensearch-data" "$DEMO/opensearch-logs" "$DEMO/opensearch-run/tmp"
rm -f "$OS_PIDFILE"

OS_ENV=(
  "OPENSEARCH_JAVA_OPTS=-Xms256m -Xmx256m"
  "JAVA_HOME=$OS_JAVA_HOME"
  "OPENSEARCH_JAVA_HOME=$OS_JAVA_HOME"
  "OPENSEARCH_TMPDIR=$DEMO/opensearch-run/tmp"
)
OS_ARGS=(
  "$OS_HOME/bin/opensearch"
  -p "$OS_PIDFILE"
  "-Ecluster.name=ltg-demo"
  "-Enode.name=demo"
  "-Ediscovery.type=single-node"
  "-Enetwork.host=127.0.0.1"
  "-Ehttp.port=$OS_HTTP_PORT"
  "-Etransport.port=$OS_TRANSPORT_PORT"
  "-Epath.data=$DEMO/opensearch-data"
  "-Epath.logs=$DEMO/opensearch-logs"
  # Small disks would otherwise block indexing with the disk watermark.
  "-Ecluster.routing.allocation.disk.threshold_enabled=false"
)

if [[ $(id -u) -eq 0 ]]; then
  # OpenSearch refuses to run as root: run it as an unprivileged system user.
  if ! id "$OS_USER" >/dev/null 2>&1; then
    say "Creating the unprivileged user $OS_USER to run OpenSearch (it refuses to run as root)"
    useradd -r -M -s /usr/sbin/nologin "$OS_USER" || id "$OS_USER" >/dev/null 2>&1 \
      || die "could not create user $OS_USER"
  fi
  dir=$(dirname "$OS_HOME")
  while [[ "$dir" != / ]]; do
    [[ $(stat -c %A "$dir") == *[xt] ]] \
      || die "$dir is not traversable by other users, so $OS_USER cannot reach OpenSearch (chmod o+x $dir)"
    dir=$(dirname "$dir")
  done
  chown -R "$OS_USER:" "$OS_HOME" "$DEMO/opensearch-data" "$DEMO/opensearch-logs" "$DEMO/opensearch-run"
  runuser -u "$OS_USER" -- "$OS_JAVA_HOME/bin/java" -version >/dev/null 2>&1 \
    || die "$OS_USER cannot run $OS_JAVA_HOME/bin/java (is the JDK under a private home folder? set OPENSEARCH_JAVA_HOME)"
  # runuser keeps most of the environment; env(1) sets what OpenSearch needs explicitly.
  LAUNCH=(runuser -u "$OS_USER" -- env "${OS_ENV[@]}")
else
  LAUNCH=(env "${OS_ENV[@]}")
fi

say "Starting OpenSearch on 127.0.0.1:$OS_HTTP_PORT (log: target/demo/opensearch.log)"
t0=$(now_ms)
(cd "$OS_HOME" && exec "${LAUNCH[@]}" "${OS_ARGS[@]}") >"$DEMO/opensearch.log" 2>&1 </dev/null &
OPENSEARCH_PID=$!
if ! demo_helper wait-for \
    "http://127.0.0.1:$OS_HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=5s" 180 "$OPENSEARCH_PID"; then
  echo "--- last lines of target/demo/opensearch.log:" >&2
  tail -n 40 "$DEMO/opensearch.log" >&2
  die "OpenSearch did not start"
fi
OS_SECONDS=$(secs_since "$t0")
echo "OpenSearch ready in $OS_SECONDS s"

# ---------------------------------------------------------------- 3. the gateway

ADMIN_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
[[ ${#ADMIN_KEY} -eq 64 ]] || die "could not read 32 random bytes from /dev/urandom"
mkdir -p "$DEMO/gateway-data"

say "Starting the gateway: management :8080, search API :9200, Graylog API :9000 (log: target/demo/gateway.log)"
t0=$(now_ms)
env \
  GATEWAY_ELASTICSEARCH_UPSTREAM="http://127.0.0.1:$OS_HTTP_PORT" \
  GATEWAY_GRAYLOG_UPSTREAM=http://127.0.0.1:9001 \
  GATEWAY_ADMIN_KEY="$ADMIN_KEY" \
  GATEWAY_DATA_DIR="$DEMO/gateway-data" \
  GATEWAY_PUBLIC_URL_ELASTICSEARCH_API=http://localhost:9200 \
  GATEWAY_PUBLIC_URL_GRAYLOG_API=http://localhost:9000/api \
  QUARKUS_HTTP_HOST="$BIND_HOST" \
  GATEWAY_ELASTICSEARCH_HOST="$BIND_HOST" \
  GATEWAY_GRAYLOG_HOST="$BIND_HOST" \
  "$JAVA" -jar target/quarkus-app/quarkus-run.jar >"$DEMO/gateway.log" 2>&1 </dev/null &
GATEWAY_PID=$!
if ! demo_helper wait-for http://127.0.0.1:8080/q/health/live 120 "$GATEWAY_PID"; then
  echo "--- last lines of target/demo/gateway.log:" >&2
  tail -n 40 "$DEMO/gateway.log" >&2
  die "the gateway did not start"
fi
GATEWAY_SECONDS=$(secs_since "$t0")
echo "Gateway ready in $GATEWAY_SECONDS s"

# ---------------------------------------------------------------- 4. a service, a token, sample logs

say "Provisioning a service and a token through the gateway's APIs"
# The admin key travels in the environment, not on a command line; the token is printed to this
# terminal only (the gateway never logs token values).
if ! DEMO_ADMIN_KEY="$ADMIN_KEY" demo_helper provision \
    --management http://127.0.0.1:8080 --search http://127.0.0.1:9200 --graylog http://127.0.0.1:9000 \
    --public-management http://localhost:8080 --public-search http://localhost:9200 \
    --service "$SERVICE" --username "$USERNAME"; then
  echo "--- last lines of target/demo/gateway.log:" >&2
  tail -n 20 "$DEMO/gateway.log" >&2
  die "provisioning failed"
fi

cat <<EOF

The demo is running (OpenSearch started in $OS_SECONDS s, the gateway in $GATEWAY_SECONDS s):
  http://localhost:8080   management: token API /dbaas/logs, admin API /admin, /q/health, /q/metrics
  http://localhost:9200   search API, in front of OpenSearch at 127.0.0.1:$OS_HTTP_PORT
  http://localhost:9000   Graylog API listener: no Graylog runs in this demo, so /api/** answers
                          502 Bad Gateway (and /q/health/ready reports that upstream as unreachable);
                          the web UI paths answer 403, as they always do
The admin key of this run is in the commands above; a new one is generated at each start.
Logs: target/demo/gateway.log, target/demo/opensearch.log

Press Ctrl-C to stop the gateway and OpenSearch.
EOF

# ---------------------------------------------------------------- 5. foreground until Ctrl-C

set +e
wait "$GATEWAY_PID"
status=$?
set -e
if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
  GATEWAY_PID=
  echo "The gateway exited (status $status); see target/demo/gateway.log" >&2
fi
exit "$status"
