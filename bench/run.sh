#!/usr/bin/env bash
# Benchmark suite: the gateway against nginx, HAProxy and a direct connection.
#
#   bench/run.sh [--quick] [--no-build] [--baseline=DIR] [--native PATH] [--publish]
#
# Starts a fast upstream (nginx on loopback), three proxies in front of it (nginx with auth_basic, HAProxy with
# http-request auth, the gateway with a token), measures S1 (small responses, keep-alive, 64 connections), the
# same at a fixed rate of half the gateway's maximum (open loop, p99), S2 (a large download and upload), S4 (JMH
# microbenchmarks of the auth path and the scope check), S1 over TLS (the three proxies terminating HTTPS with a
# throwaway certificate) and S3 (a real OpenSearch `_search` and `_msearch`, direct and through the gateway), and
# writes target/bench/RESULTS.md, results.json (the medians) and results.png;
# --publish writes RESULTS.md and results.png into bench/ instead, to be committed from a full run.
# --baseline=DIR adds a fifth target to S1, the half-load run and S2 (not to S1 over TLS): another build of the
# gateway (DIR holds its quarkus-run.jar, e.g. the target/quarkus-app of a checkout before a change), measured in
# the same interleaved rounds, for before/after figures.
# --native PATH adds the native executable at PATH (./mvnw package -Dnative) as a target of S1, the half load and S2,
# and measures it beside the JVM build: time from start to the first answered request, RSS at rest and under S1.
# Everything runs on 127.0.0.1; everything started is stopped on exit and the temp dir removed.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
COMMAND="bench/run.sh $*"

QUICK=0
BUILD=1
BASELINE=""
NATIVE=""
PUBLISH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --baseline=*) BASELINE=$(cd "${1#--baseline=}" && pwd) ;;
    --native=*) NATIVE=${1#--native=} ;;
    --native) [ $# -gt 1 ] || { echo "--native takes the executable's path" >&2; exit 2; }; NATIVE=$2; shift ;;
    --publish) PUBLISH=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (use --quick, --no-build, --baseline=DIR, --native PATH, --publish)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$BASELINE" ] && [ ! -f "$BASELINE/quarkus-run.jar" ]; then
  echo "--baseline: no quarkus-run.jar in $BASELINE" >&2; exit 2
fi
if [ -n "$NATIVE" ]; then
  [ -f "$NATIVE" ] && [ -x "$NATIVE" ] || { echo "--native: $NATIVE is not an executable file" >&2; exit 2; }
  NATIVE=$(cd "$(dirname "$NATIVE")" && pwd)/$(basename "$NATIVE")
fi
# Where the report goes: target/bench, so that a run (CI's quick one included) never rewrites the committed report;
# --publish writes bench/RESULTS.md and bench/results.png.
if [ "$PUBLISH" = 1 ]; then OUT_DIR=$BENCH_DIR; else OUT_DIR=$ROOT/target/bench; fi
mkdir -p "$OUT_DIR"

# TLS_JIT_WARM: extra warm-up of the gateway restarted for S1 over TLS. HL_*: seconds of the half-load runs. JMH_OPTS: S4's JMH settings (forks, warm-up and measurement iterations). S3_*: OpenSearch documents, fixed request
# rate and timings (seconds) of S3. Quick mode (CI, must stay under 3 minutes) keeps every scenario but short.
if [ "$QUICK" = 1 ]; then
  ROUNDS=1; DURATION=3s; WARM=2s; BIG_MIB=64; S2_ROUNDS=1
  TLS_JIT_WARM=5s
  JMH_OPTS=(-f 1 -wi 1 -w 500ms -i 2 -r 500ms)
  HL_SECONDS=2; HL_WARM=1
  S3_DOCS=2000; S3_SECONDS=2; S3_WARM=1; S3_ROUNDS=1
  STARTUP_ROUNDS=1; STARTUP_REST=2
else
  ROUNDS=3; DURATION=10s; WARM=5s; BIG_MIB=1024; S2_ROUNDS=3
  TLS_JIT_WARM=30s
  JMH_OPTS=(-f 2 -wi 5 -w 1s -i 5 -r 2s)
  HL_SECONDS=10; HL_WARM=5
  S3_DOCS=5000; S3_SECONDS=20; S3_WARM=5; S3_ROUNDS=3
  STARTUP_ROUNDS=5; STARTUP_REST=5
fi
S3_RATE=100          # S3 requests per second: a busy dashboard, far below what OpenSearch can serve here
S3_CONNECTIONS=4
CONNECTIONS=64
THREADS=2
# The gateways' heap, fixed as an operator sets it: with the JVM's default (up to a quarter of RAM) the heap grows
# with the allocation rate, and S2's RSS growth would measure that rather than what streaming holds.
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+ExitOnOutOfMemoryError}

# Names the gateway's index scoping lets through as they are: the index lies inside the service's read and
# write patterns (logs-bench-00001-i-*), so the gateway forwards the path unchanged, like the other proxies.
SERVICE=ldp-bench-00001
USERNAME=logs-bench-00001
INDEX=logs-bench-00001-i-x
SEARCH_PATH=/$INDEX/_search
BIG_PATH=/$INDEX/_doc/big
UP_PATH=/$INDEX/_doc/up
PASSWORD="bench-password-$RANDOM$RANDOM"   # account password: 12+ characters (gateway rule)

TARGETS=(direct nginx haproxy gateway)
[ -z "$BASELINE" ] || TARGETS+=(baseline)
[ -z "$NATIVE" ] || TARGETS+=(native)
# The gateway builds whose memory S1 and the start-up runs measure.
MEMORY_TARGETS=(gateway)
[ -z "$BASELINE" ] || MEMORY_TARGETS+=(baseline)
[ -z "$NATIVE" ] || MEMORY_TARGETS+=(native)
# S1 over TLS: the same proxies terminating HTTPS (HTTP/1.1 to wrk), the same plain-HTTP upstream behind them.
TLS_TARGETS=(nginx-tls haproxy-tls gateway-tls)
TLS13_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256   # the gateway's order
declare -A PORT AUTH PIDS LAUNCHER SCHEME TLS_SESSION
TMP=""
OS_LAUNCHER_PID=""
JMH_CP=""                      # classpath of the bench tools (JMH benchmarks, fixed-rate load generator)
# The test kit (src/test/java/io/logstokengateway/testsupport), which the tests and the demo use too: it starts the
# gateways (GatewayProcess, as the integration tests do) and S3's OpenSearch, and provisions the services and tokens
# (see Testkit.java).
TESTKIT_CP="$ROOT/target/test-classes:$ROOT/target/classes"

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# Cleanup: every process we started, then the temp dir (it holds the 1 GiB file and the uploads).
# ---------------------------------------------------------------------------------------------------------
cleanup() {
  local pid
  # The test kit's JVM stops its OpenSearch when terminated (and its watchdog does if that JVM is killed).
  for pid in ${STARTED_PIDS:-}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${STARTED_PIDS:-}; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$TMP" ] && rm -rf "$TMP"
}
STARTED_PIDS=""
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------
# Tools: from Debian, and only when root (otherwise say what is missing).
# ---------------------------------------------------------------------------------------------------------
install_tools() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v curl >/dev/null || missing+=(curl)
  command -v java >/dev/null && command -v jar >/dev/null && command -v jcmd >/dev/null || missing+=(openjdk-17-jdk-headless)
  if [ "$(id -u)" = 0 ]; then   # the test kit runs S3's OpenSearch as an unprivileged user
    command -v runuser >/dev/null || missing+=(util-linux)
    command -v useradd >/dev/null || missing+=(passwd)
  fi
  local want_gnuplot=0
  command -v gnuplot >/dev/null || want_gnuplot=1
  if [ ${#missing[@]} -gt 0 ] || [ "$want_gnuplot" = 1 ]; then
    if [ "$(id -u)" = 0 ]; then
      log "installing from Debian: ${missing[*]} $([ $want_gnuplot = 1 ] && echo gnuplot-nox)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      if [ ${#missing[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
      fi
      # The chart is optional: a machine without gnuplot still gets RESULTS.md.
      if [ "$want_gnuplot" = 1 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 \
          || log "gnuplot-nox not installable: no chart"
      fi
    elif [ ${#missing[@]} -gt 0 ]; then
      die "missing: ${missing[*]} (as root: apt-get install ${missing[*]} gnuplot-nox)"
    else
      log "gnuplot missing (apt-get install gnuplot-nox): no chart"
    fi
  fi
  PATH="$PATH:/usr/sbin:/sbin"
}

build_gateway() {
  if [ "$BUILD" = 1 ]; then
    log "building the gateway and its test kit (./mvnw package, tests compiled, not run; Graylog left out)"
    (cd "$ROOT" && ./mvnw -q -DskipTests -Dgraylog.skip package)
  fi
  [ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ] || die "no target/quarkus-app/quarkus-run.jar: run without --no-build"
  # The test kit, and the real OpenSearch of S3 it starts, fetched from Maven Central by the build (generate-test-resources).
  if [ ! -f "$ROOT/target/testkit-classpath.txt" ] || [ ! -f "$ROOT/target/test-classes/io/logstokengateway/testsupport/Testkit.class" ] \
      || [ ! -f "$ROOT/target/opensearch-dist/opensearch.zip" ]; then
    log "building the test kit (./mvnw test-compile)"
    (cd "$ROOT" && ./mvnw -q -Dgraylog.skip test-compile) || die "could not build the test kit"
  fi
  TESTKIT_CP="$TESTKIT_CP:$(cat "$ROOT/target/testkit-classpath.txt")"
}

testkit() { # args for Testkit: see src/test/java/io/logstokengateway/testsupport/Testkit.java; it works in the checkout
  env -C "$ROOT" java -cp "$TESTKIT_CP" io.logstokengateway.testsupport.Testkit "$@"
}

# The bench tools (S4's JMH benchmarks and the fixed-rate load generator, bench/jmh/src/main/java) are not part of
# the gateway's build: the Maven profile `jmh` compiles them with the gateway's classes into target/jmh, so the
# application jar never holds them. Built even with --no-build (CI passes it after its own `verify`).
build_bench_tools() {
  log "compiling the bench tools (./mvnw -Pjmh compile into target/jmh)"
  (cd "$ROOT" && ./mvnw -q -Pjmh -Dmaven.test.skip=true compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$ROOT/target/jmh/classpath.txt") || die "bench tools build failed"
  JMH_CP="$ROOT/target/jmh/classes:$(cat "$ROOT/target/jmh/classpath.txt")"
}

# The fixed-rate (open-loop) load generator: see bench/jmh/src/main/java/io/logstokengateway/bench/FixedRateLoad.java.
fixed_rate_load() { # args for FixedRateLoad -> its RESULT lines on stdout
  java -Xms256m -Xmx256m -cp "$JMH_CP" io.logstokengateway.bench.FixedRateLoad "$@"
}

# A free loopback port below the kernel's ephemeral range: outgoing connections take their local ports from that range,
# so one could take a port asked from the kernel (bind to port 0) before the server binds it. Never the same port twice
# in a run (the servers bind theirs a moment later).
free_port() {
  local low p
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while :; do
    p=$((10000 + RANDOM % (low - 10000)))
    grep -qx "$p" "$TMP/ports-used" 2>/dev/null && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue # something listens there
    echo "$p" >>"$TMP/ports-used"
    echo "$p"
    return
  done
}

wait_http() { # url [max seconds]: until it answers at all
  local url=$1 max=${2:-30} i
  for i in $(seq $((max * 10))); do
    curl -sk -o /dev/null --max-time 1 "$url" && return 0   # -k: the TLS targets' certificate is self-signed
    sleep 0.1
  done
  return 1
}

# Start a long-running process in the background and remember its pid for the cleanup (in LAST_PID; not
# called through $(...), whose subshell would lose STARTED_PIDS).
start_bg() { # logfile cmd...
  local logfile=$1; shift
  "$@" >"$logfile" 2>&1 &
  LAST_PID=$!
  STARTED_PIDS="$STARTED_PIDS $LAST_PID"
}

target_url() { # target [path]: its base URL (https for the TLS targets) followed by path
  printf '%s://127.0.0.1:%s%s' "${SCHEME[$1]:-http}" "${PORT[$1]}" "${2:-}"
}

# A throwaway self-signed certificate for S1 over TLS (EC P-256, as a modern deployment would use), generated at run
# time into the temp dir: tls.crt and tls.key for nginx and the gateway, tls.pem (both in one file) for HAProxy.
make_certificate() {
  local dir=$TMP/tls
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>"$dir/openssl.log" \
    || { cat "$dir/openssl.log" >&2; die "could not generate the TLS certificate"; }
  cat "$dir/tls.crt" "$dir/tls.key" >"$dir/tls.pem"
  log "TLS: self-signed EC P-256 certificate generated"
}

# ---------------------------------------------------------------------------------------------------------
# Upstream: nginx serving a fixed 1 KiB JSON for _search (any method, `return` answers before the content
# phase so GET and POST are alike), a large file for S2 download, and WebDAV PUT for S2 upload: dav_methods
# reads the whole body into a temp file before answering, so an upload's time is the body's real transfer
# time (a plain `return 200` or a 405 may answer before the body is read). Files live in a RAM-backed dir
# when /dev/shm exists, so the disk is not what is measured.
# ---------------------------------------------------------------------------------------------------------
nginx_common() { # the top of an nginx.conf: runs in the foreground under our control, logs in the temp dir
  local dir=$1
  cat <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);" )
events { worker_connections 4096; multi_accept on; }
EOF
}

start_upstream() {
  local dir=$TMP/upstream
  mkdir -p "$dir/www/$INDEX/_doc" "$dir/body"
  # 1 KiB JSON body shaped like a small search answer (padding in a field to reach exactly 1024 bytes).
  local head='{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":1,"relation":"eq"},"max_score":1.0,"hits":[{"_index":"'$INDEX'","_id":"1","_score":1.0,"_source":{"message":"'
  local tail='"}}]}}'
  local pad=$((1024 - ${#head} - ${#tail}))
  SMALL_BODY="$head$(head -c "$pad" /dev/zero | tr '\0' 'x')$tail"
  [ ${#SMALL_BODY} = 1024 ] || die "small body is ${#SMALL_BODY} bytes"
  log "generating the S2 file: $BIG_MIB MiB of random bytes"
  head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$dir/www$BIG_PATH"
  cp "$dir/www$BIG_PATH" "$TMP/upload.bin"   # what curl uploads in S2 (same size)

  PORT[direct]=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
$(nginx_common "$dir")
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 10000000; keepalive_timeout 300s;
  client_body_temp_path $dir/body;
  server {
    listen 127.0.0.1:${PORT[direct]} reuseport backlog=4096;
    location = $SEARCH_PATH { default_type application/json; return 200 '$SMALL_BODY'; }
    # What the gateway's index scoping reads of the cluster (its catalog of indices): one index, never changing.
    location = /_cluster/state/version { default_type application/json; return 200 '{"state_uuid":"bench"}'; }
    location = /_cluster/state/version,metadata {
      default_type application/json;
      return 200 '{"state_uuid":"bench","metadata":{"indices":{"$INDEX":{"state":"open","aliases":[]}}}}';
    }
    location /$INDEX/_doc/ {
      root $dir/www;
      dav_methods PUT;
      client_max_body_size 0;
      client_body_buffer_size 1m;
    }
  }
}
EOF
  start_bg "$dir/stdout.log" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
  PIDS[upstream]=$LAST_PID
  PIDS[direct]=""   # no proxy process in the direct path
  wait_http "http://127.0.0.1:${PORT[direct]}$SEARCH_PATH" 10 || { cat "$dir/error.log" >&2; die "upstream nginx did not start"; }
  log "upstream nginx on :${PORT[direct]}"
}

# nginx as the reverse proxy an operator would deploy: keep-alive pool to the upstream, auth_basic, the
# client's Authorization not passed on. {SHA} hashes (htpasswd -s) are the cheapest nginx supports: the
# default apr1-MD5 costs about a thousand MD5 rounds on every request, which would handicap nginx.
# With tls (S1 over TLS): the same configuration, the listener terminating TLS 1.3 and 1.2 (ECDHE with AES-GCM or
# ChaCha20-Poly1305 for 1.2, as the gateway allows), a shared session cache, HTTP/1.1 to the client. The server's
# order of suites, TLS 1.3's included, is the gateway's (quarkus.tls.cipher-suites: AES-128-GCM first), so that all
# three encrypt with the same cipher (OpenSSL clients such as wrk list AES-256-GCM first).
start_nginx_proxy() { # [tls]
  local name=nginx tls="" ssl_lines="" dir
  if [ "${1:-}" = tls ]; then
    name=nginx-tls; tls=" ssl"
    ssl_lines="ssl_certificate $TMP/tls/tls.crt; ssl_certificate_key $TMP/tls/tls.key;
    ssl_protocols TLSv1.3 TLSv1.2;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    ssl_conf_command Ciphersuites $TLS13_SUITES; ssl_prefer_server_ciphers on;
    ssl_session_cache shared:SSL:10m; ssl_session_timeout 1h;"
  fi
  dir=$TMP/$name
  mkdir -p "$dir/body" "$dir/proxy"
  htpasswd -b -c -s "$dir/htpasswd" "$USERNAME" "$PASSWORD" 2>/dev/null
  PORT[$name]=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
$(nginx_common "$dir")
http {
  access_log off;
  tcp_nodelay on;
  keepalive_requests 10000000; keepalive_timeout 300s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  upstream up { server 127.0.0.1:${PORT[direct]}; keepalive 64; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:${PORT[$name]}$tls reuseport backlog=4096;
    $ssl_lines
    location / {
      auth_basic "bench";
      auth_basic_user_file $dir/htpasswd;
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      client_max_body_size 0;
      proxy_request_buffering off;   # stream uploads, as the gateway and HAProxy do
    }
  }
}
EOF
  start_bg "$dir/stdout.log" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
  PIDS[$name]=$LAST_PID
  [ -z "$tls" ] || SCHEME[$name]=https
  wait_http "$(target_url "$name" /)" 10 || { cat "$dir/error.log" >&2; die "$name proxy did not start"; }
  AUTH[$name]="Basic $(printf '%s:%s' "$USERNAME" "$PASSWORD" | base64 -w0)"
  log "$name proxy on :${PORT[$name]}"
}

# HAProxy with a userlist (insecure-password: a plain compare, the cheapest check HAProxy offers). With tls (S1 over
# TLS): the same, the frontend terminating TLS 1.3 and 1.2 (the same suites in the same order as nginx; HAProxy
# prefers its own order by default), HTTP/1.1 by ALPN.
start_haproxy() { # [tls]
  local name=haproxy tls="" dir
  if [ "${1:-}" = tls ]; then
    name=haproxy-tls
    tls=" ssl crt $TMP/tls/tls.pem ssl-min-ver TLSv1.2 alpn http/1.1"
    tls+=" ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
    tls+=" ciphersuites $TLS13_SUITES"
  fi
  dir=$TMP/$name
  mkdir -p "$dir"
  PORT[$name]=$(free_port)
  cat >"$dir/haproxy.cfg" <<EOF
global
  maxconn 4096
  nbthread $(nproc)
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  http-reuse always
userlist bench
  user $USERNAME insecure-password $PASSWORD
frontend fe
  bind 127.0.0.1:${PORT[$name]}$tls
  http-request auth realm bench unless { http_auth(bench) }
  http-request del-header Authorization
  default_backend be
backend be
  server up 127.0.0.1:${PORT[direct]}
EOF
  start_bg "$dir/stdout.log" haproxy -db -f "$dir/haproxy.cfg"
  PIDS[$name]=$LAST_PID
  [ -z "$tls" ] || SCHEME[$name]=https
  wait_http "$(target_url "$name" /)" 10 || { cat "$dir/stdout.log" >&2; die "$name did not start"; }
  AUTH[$name]=${AUTH[nginx]}
  log "$name on :${PORT[$name]}"
}

# The gateway, as built, with production defaults: the access log on (one JSON line per request, into the target's
# gateway.log). Its search API upstream is the nginx upstream, or what is given (S3 restarts it in front of
# OpenSearch, same data dir, so the token still holds).
start_gateway() { # [search API upstream URL [--property KEY=VALUE...]]
  start_gateway_build gateway --app-dir "$ROOT/target/quarkus-app" "${1:-http://127.0.0.1:${PORT[direct]}}" "${@:2}"
}

# A gateway started by the test kit (`Testkit gateway`: GatewayProcess, as the integration tests start theirs, with
# the defaults the gateway ships with), on free ports, with the fixed heap of GATEWAY_JAVA_OPTS (the native executable
# takes the same heap options). The test kit's JVM (LAUNCHER) stays in the foreground while the gateway runs and stops
# it when terminated; PIDS holds the gateway's own pid, whose CPU time and RSS are measured.
declare -A MGMT ADMIN BUILD_OPTION BUILD_PATH UPSTREAM_OF
start_gateway_build() { # target --app-dir|--executable DIR|FILE search-API-upstream [testkit options, e.g. --property K=V]: PORT, MGMT, ADMIN, PIDS, LAUNCHER
  local name=$1 search_upstream=$4 dir=$TMP/$1 i
  local extra=("${@:5}")
  BUILD_OPTION[$name]=$2; BUILD_PATH[$name]=$3; UPSTREAM_OF[$name]=$search_upstream
  mkdir -p "$dir/data"
  rm -f "$dir/ports"
  ADMIN[$name]=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n') # 32 random bytes in hex, as gateway.admin.key requires
  testkit_gateway_options "$name"
  TESTKIT_ADMIN_KEY=${ADMIN[$name]} start_bg "$dir/testkit.log" env -C "$ROOT" java -cp "$TESTKIT_CP" \
    io.logstokengateway.testsupport.Testkit gateway "${GATEWAY_OPTIONS[@]}" \
    --ports-file "$dir/ports" --output "$dir/gateway.log" "${extra[@]}"
  LAUNCHER[$name]=$LAST_PID
  for i in $(seq 900); do   # the test kit gives up after 60 s without a live gateway
    [ -s "$dir/ports" ] && break
    kill -0 "${LAUNCHER[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$dir/ports" ] || { tail -50 "$dir/testkit.log" "$dir/gateway.log" >&2 2>/dev/null; die "$name did not start"; }
  PORT[$name]=$(sed -n 's/^search=//p' "$dir/ports")
  MGMT[$name]=$(sed -n 's/^management=//p' "$dir/ports")
  PIDS[$name]=$(sed -n 's/^pid=//p' "$dir/ports")
  STARTED_PIDS="$STARTED_PIDS ${PIDS[$name]}"   # stopped by the test kit; also here should the test kit be killed
  log "$name on :${PORT[$name]} (management :${MGMT[$name]}, pid ${PIDS[$name]}), search API upstream $search_upstream"
}

testkit_gateway_options() { # target -> GATEWAY_OPTIONS: its build, data dir, heap and upstreams, for `Testkit gateway` and `startup`
  local name=$1 option
  GATEWAY_OPTIONS=("${BUILD_OPTION[$name]}" "${BUILD_PATH[$name]}" --data-dir "$TMP/$name/data"
    --elasticsearch-upstream "${UPSTREAM_OF[$name]}" --graylog-upstream "http://127.0.0.1:${PORT[direct]}")
  for option in $GATEWAY_JAVA_OPTS; do GATEWAY_OPTIONS+=(--jvm-option "$option"); done
}

stop_gateway() { # [target]: TERM to its test kit, which stops the gateway the same way so that it releases the H2 registry file
  local name=${1:-gateway}
  kill "${LAUNCHER[$name]}" 2>/dev/null || true
  for _ in $(seq 250); do kill -0 "${PIDS[$name]}" 2>/dev/null || kill -0 "${LAUNCHER[$name]}" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "${PIDS[$name]}" "${LAUNCHER[$name]}" 2>/dev/null || true
}

# Provision the service and a token through the admin and token APIs, as an operator would (the test kit's client).
provision_token() { # [target]: a service and a token on that gateway, its AUTH
  local name=${1:-gateway} token_id value
  read -r token_id value < <(TESTKIT_ADMIN_KEY=${ADMIN[$name]} TESTKIT_PASSWORD=$PASSWORD \
    TESTKIT_ELASTICSEARCH_PASSWORD=upstream-password TESTKIT_GRAYLOG_TOKEN=bench-graylog-token \
    testkit provision --management "http://127.0.0.1:${MGMT[$name]}" --service "$SERVICE" --username "$USERNAME" \
    --display-name bench --elasticsearch-username "$USERNAME" --token-name bench) || die "provisioning on $name failed"
  [ -n "${value:-}" ] || die "no token value from $name"
  AUTH[$name]="Bearer $value"
  AUTH[direct]=${AUTH[nginx]}   # the upstream ignores it; sent so that every target gets the same request
  log "$name: token $token_id provisioned"
}

# Every target must answer 200 with the 1 KiB body before anything is measured.
check_targets() { # [target...], by default the S1 targets (-k: the TLS targets' certificate is self-signed)
  local t code size
  [ $# -gt 0 ] || set -- "${TARGETS[@]}"
  for t in "$@"; do
    read -r code size < <(curl -sk -o /dev/null -w '%{http_code} %{size_download}\n' \
      -H "Authorization: ${AUTH[$t]}" "$(target_url "$t" "$SEARCH_PATH")")
    [ "$code" = 200 ] && [ "$size" = 1024 ] || die "$t answered $code with $size bytes"
  done
}

# ---------------------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() { # pid: utime+stime of the process and of its direct children (nginx workers), in clock ticks
  local pid=$1 total=0 p
  [ -n "$pid" ] || { echo 0; return; }
  for p in $pid $(pgrep -P "$pid" || true); do
    # fields after the ")" that ends the command name: utime and stime are the 12th and 13th of them
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo $total
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 2.01s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }        # pid: resident set size now, KiB
peak_rss_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }   # pid: peak resident set size, KiB
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null; }  # pid: the peak set back to the current RSS

median() { # numbers as arguments
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'
}

run_wrk() { # target duration -> wrk output on stdout
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -H "Authorization: ${AUTH[$1]}" \
    "$(target_url "$1" "$SEARCH_PATH")"
}

# S1: small responses, keep-alive, 64 connections, interleaved rounds so that drift hits every target alike.
declare -A S1_RPS S1_P50 S1_P99 S1_CPU S1_PEAK_MIB
scenario_s1() {
  local t
  for t in "${MEMORY_TARGETS[@]}"; do reset_peak_rss "${PIDS[$t]}" || log "cannot reset VmHWM of $t"; done
  s1_rounds S1 "${TARGETS[@]}"
  for t in "${MEMORY_TARGETS[@]}"; do
    S1_PEAK_MIB[$t]=$(($(peak_rss_kib "${PIDS[$t]}") / 1024))
    log "S1 peak RSS of $t: ${S1_PEAK_MIB[$t]} MiB"
  done
  # The access log is on, as in production: the gateway's log grows by one line per request (or counts what it
  # dropped, in gateway_access_log_dropped_total).
  local lines
  lines=$(wc -l <"$TMP/gateway/gateway.log")
  log "gateway log: $lines lines after S1"
}

s1_rounds() { # label target...: wrk warm-up, then ROUNDS interleaved rounds into S1_RPS, S1_P50, S1_P99, S1_CPU
  local label=$1 t round out before after reqs rps p50 p99 errors cpu
  shift
  log "$label warm-up ($WARM per target)"
  for t in "$@"; do run_wrk "$t" "$WARM" >/dev/null; done
  for round in $(seq "$ROUNDS"); do
    for t in "$@"; do
      before=$(cpu_ticks "${PIDS[$t]}")
      out=$(run_wrk "$t" "$DURATION")
      after=$(cpu_ticks "${PIDS[$t]}")
      reqs=$(awk '/requests in/ {print $1}' <<<"$out")
      rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
      p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
      p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
      # A proxy answering 401 or 5xx fast would look good: count such answers and refuse the round.
      errors=$(awk '/Non-2xx/ {print $NF} /Socket errors/ {print}' <<<"$out")
      [ -z "$errors" ] || die "$label $t: errors in wrk output: $errors"
      if [ -n "${PIDS[$t]}" ]; then
        cpu=$(awk -v d=$((after - before)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN {printf "%.3f", d / hz / n * 10000}')
      else
        cpu=""
      fi
      S1_RPS[$t]+="$rps "; S1_P50[$t]+="$p50 "; S1_P99[$t]+="$p99 "; S1_CPU[$t]+="$cpu "
      log "$label round $round $t: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, cpu/10k ${cpu:--} s"
    done
  done
}

# Bytes the gateway's JVM allocates per request, all its threads (event loops, the access log's writer, ...): a JFR
# recording with the JDK's default settings (about 1% overhead) over one more S1 run per JVM target, read by
# AllocationPerRequest (jdk.ThreadAllocationStatistics at the recording's start and end).
declare -A S1_ALLOC
scenario_allocation() {
  local t out reqs jfr
  for t in gateway ${BASELINE:+baseline}; do
    jfr=$TMP/$t-allocation.jfr
    jcmd "${PIDS[$t]}" JFR.start name=allocation settings=default filename="$jfr" >/dev/null || die "JFR did not start on $t"
    out=$(run_wrk "$t" "$DURATION")
    jcmd "${PIDS[$t]}" JFR.stop name=allocation >/dev/null || die "JFR did not stop on $t"
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    S1_ALLOC[$t]=$(java -cp "$JMH_CP" io.logstokengateway.bench.AllocationPerRequest "$jfr" "$reqs" | awk '$1 == "RESULT" {print $2}')
    [ -n "${S1_ALLOC[$t]}" ] || die "no allocation figure for $t"
    log "allocation $t: ${S1_ALLOC[$t]} bytes per request over $reqs requests"
  done
}

# Start-up (with --native): the JVM build and the native executable started again and again on their data dirs (the
# token provisioned there), interleaved, each timed by the test kit (`Testkit startup`) from the start of the process to
# its first 200 answer to S1's authenticated search (a registry lookup, the upstream's answer), then its RSS after
# STARTUP_REST seconds at rest. The bench's own gateways are stopped first (H2 holds its file); S1 over TLS starts the
# gateway again.
declare -A STARTUP_MS STARTUP_RSS_MIB
scenario_startup() {
  local round t line ms rss output
  log "start-up: $STARTUP_ROUNDS interleaved start(s) of the JVM build and the native executable"
  stop_gateway gateway
  stop_gateway native
  for round in $(seq "$STARTUP_ROUNDS"); do
    for t in gateway native; do
      testkit_gateway_options "$t"
      output=$TMP/$t/startup-$round.log
      line=$(TESTKIT_ADMIN_KEY=${ADMIN[$t]} TESTKIT_AUTHORIZATION=${AUTH[$t]} testkit startup "${GATEWAY_OPTIONS[@]}" \
        --path "$SEARCH_PATH" --rest-seconds "$STARTUP_REST" --output "$output" | grep '^RESULT startup') \
        || { tail -40 "$output" >&2 2>/dev/null; die "start-up of $t failed"; }
      read -r _ _ ms rss <<<"$line"
      STARTUP_MS[$t]+="$ms "; STARTUP_RSS_MIB[$t]+="$((rss / 1024)) "
      log "start-up round $round $t: first answer after $ms ms, RSS $((rss / 1024)) MiB after ${STARTUP_REST} s at rest"
    done
  done
}

# S1 over TLS: S1's request mix (1 KiB answers, keep-alive, 64 connections, same duration and rounds) over HTTPS,
# nginx and HAProxy terminating TLS (started with the others, idle until now) against the gateway with listener
# TLS. The gateway is the S1 gateway restarted with the key store (quarkus.tls.key-store.pem.0.*, as an operator
# turns it on; same registry, token and settings), so that no second JVM runs beside it: every listener is then
# HTTPS on its port. wrk speaks TLS through OpenSSL; over keep-alive connections the 64 handshakes of a run are
# amortised over all its requests: what is measured is the record layer (encryption) and the proxies' TLS I/O.
scenario_s1_tls() {
  local t
  log "S1 over TLS: restarting the gateway with a listener key store"
  stop_gateway
  start_gateway "http://127.0.0.1:${PORT[direct]}" \
    --property "quarkus.tls.key-store.pem.0.cert=$TMP/tls/tls.crt" --property "quarkus.tls.key-store.pem.0.key=$TMP/tls/tls.key"
  PORT[gateway-tls]=${PORT[gateway]}; PIDS[gateway-tls]=${PIDS[gateway]}; AUTH[gateway-tls]=${AUTH[gateway]}
  SCHEME[gateway-tls]=https
  check_targets "${TLS_TARGETS[@]}"
  # A freshly started JVM takes tens of seconds of this load to reach its steady rate (JIT), and the plain gateway
  # had served S1, the half load and S2 by now: the restarted one gets a warm-up of its own first.
  log "S1 TLS: warm-up of the restarted gateway ($TLS_JIT_WARM)"
  run_wrk gateway-tls "$TLS_JIT_WARM" >/dev/null
  for t in "${TLS_TARGETS[@]}"; do   # what wrk's OpenSSL negotiates with each (openssl s_client: the same library)
    TLS_SESSION[$t]=$(openssl s_client -connect "127.0.0.1:${PORT[$t]}" </dev/null 2>/dev/null \
      | sed -n 's/^New, \(.*\), Cipher is \(.*\)$/\1 \2/p' | head -n1)
    log "S1 TLS $t: ${TLS_SESSION[$t]:-(handshake not read)}"
  done
  s1_rounds "S1 TLS" "${TLS_TARGETS[@]}"
}

# S2: one large download and one large upload per target per round; the gateway's peak RSS over S2 measured
# against its RSS before (the peak is reset first through clear_refs, so S1's peak does not hide S2's).
declare -A S2_DOWN S2_UP
scenario_s2() {
  local t round down up code
  reset_peak_rss "${PIDS[gateway]}" || log "cannot reset VmHWM: peak may include S1"
  RSS_BEFORE_KB=$(rss_kib "${PIDS[gateway]}")
  for round in $(seq "$S2_ROUNDS"); do
    for t in "${TARGETS[@]}"; do
      read -r code down < <(curl -s -o /dev/null -w '%{http_code} %{speed_download}\n' \
        -H "Authorization: ${AUTH[$t]}" "http://127.0.0.1:${PORT[$t]}$BIG_PATH")
      [ "$code" = 200 ] || die "S2 download via $t: HTTP $code"
      read -r code up < <(curl -s -o /dev/null -w '%{http_code} %{speed_upload}\n' -T "$TMP/upload.bin" \
        -H "Authorization: ${AUTH[$t]}" "http://127.0.0.1:${PORT[$t]}$UP_PATH")
      case "$code" in 201|204) ;; *) die "S2 upload via $t: HTTP $code" ;; esac
      rm -f "$TMP/upstream/www$UP_PATH"   # keep RAM use bounded
      down=$(awk -v b="$down" 'BEGIN {printf "%.1f", b / 1e6}')
      up=$(awk -v b="$up" 'BEGIN {printf "%.1f", b / 1e6}')
      S2_DOWN[$t]+="$down "; S2_UP[$t]+="$up "
      log "S2 round $round $t: download $down MB/s, upload $up MB/s"
    done
  done
  RSS_PEAK_KB=$(peak_rss_kib "${PIDS[gateway]}")
}

# S1 at half load: p99 at a fixed request rate, half of the gateway's maximum from S1, the same rate for every
# target so that they are comparable (target: gateway p99 within 1 ms of direct). wrk is closed-loop: it sends the
# next request only when an answer came, so it cannot hold a rate and hides stalls (coordinated omission). No
# open-loop generator is packaged here (Debian has no wrk2, vegeta, oha or k6; hey -q, h2load --rps and npm's
# autocannon --overallRate pace each connection but still wait for answers and time from the actual send), so
# the bench ships its own: FixedRateLoad, which times each request from when it was due (as wrk2 does).
declare -A HL_P50 HL_P99 HL_RATE
HALF_RATE=""
scenario_half_load() {
  local line name round rate achieved count errors p50 p90 p99 p999 max args=()
  HALF_RATE=$(awk -v r="$(median ${S1_RPS[gateway]})" 'BEGIN {printf "%d", r / 2}')
  [ "$HALF_RATE" -gt 0 ] || die "half load: no gateway rate from S1"
  log "S1 half load: $HALF_RATE req/s for every target (half of the gateway's S1 median)"
  for t in "${TARGETS[@]}"; do args+=("$t=http://127.0.0.1:${PORT[$t]}$SEARCH_PATH|${AUTH[$t]}"); done
  while read -r line; do
    read -r _ name round rate achieved count errors p50 p90 p99 p999 max <<<"$line"
    [ "$errors" = 0 ] || die "half load $name: $errors requests failed or not answered 200"
    HL_P50[$name]+="$p50 "; HL_P99[$name]+="$p99 "; HL_RATE[$name]+="$achieved "
    log "half load round $round $name: $achieved req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, max $max ms"
  done < <(fixed_rate_load --rate "$HALF_RATE" --duration "$HL_SECONDS" --warmup "$HL_WARM" \
             --connections "$CONNECTIONS" --rounds "$ROUNDS" "${args[@]}" | grep '^RESULT')
  [ -n "${HL_P99[gateway]:-}" ] || die "half load: no result"
}

# S4: JMH microbenchmarks of the per-request auth path and the index-scope check, in their own forked JVMs (see
# bench/jmh/src/main/java/io/logstokengateway/bench: AuthBenchmark builds the real Authenticator on the real registry
# classes with an H2 database; ScopeBenchmark runs ScopeRules and the _msearch line rule; both through the
# application's public API). CSV out, read into S4_SCORE/S4_ERROR (ns/op). -foe: a benchmark that fails (in its
# set-up, say) fails the run rather than leaving its rows out of the report.
declare -A S4_SCORE S4_ERROR
S4_NAMES=()
scenario_s4() {
  local csv=$TMP/jmh.csv name score error
  log "S4: JMH ${JMH_OPTS[*]}"
  java -cp "$JMH_CP" org.openjdk.jmh.Main "${JMH_OPTS[@]}" -foe true -tu ns -bm avgt -rf csv -rff "$csv" \
    'io\.logstokengateway\.bench\.(AuthBenchmark|ScopeBenchmark)\.' >"$TMP/jmh.log" 2>&1 \
    || { tail -40 "$TMP/jmh.log" >&2; die "JMH failed"; }
  # "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
  while IFS=, read -r name score error; do
    S4_NAMES+=("$name"); S4_SCORE[$name]=$score; S4_ERROR[$name]=$error
    log "S4 $name: $score ± $error ns/op"
  done < <(tail -n +2 "$csv" | tr -d '"' | awk -F, '{ sub(/^io\.logstokengateway\.bench\./, "", $1);
             printf "%s,%.1f,%s\n", $1, $5, ($6 == "NaN" ? "–" : sprintf("%.1f", $6)) }')
  [ ${#S4_NAMES[@]} -gt 0 ] || die "S4: no JMH result"
}

# S3: a real OpenSearch (the integ-test distribution the gateway's tests use), a few thousand small log documents
# in an index of the service, then `_search` and `_msearch` at a fixed moderate rate, direct and through the
# gateway in interleaved rounds: the figure is the latency the gateway adds to a real search. The gateway is
# restarted in front of OpenSearch (the S1 upstream was nginx) with the same registry, token and settings.
S3_INDEX=logs-bench-00001-i-s3
declare -A S3_P50 S3_P99
start_opensearch() {
  log "S3: starting OpenSearch (the test kit's)"
  start_bg "$TMP/opensearch.log" env -C "$ROOT" java -Dsearch-node.heap=512m -cp "$TESTKIT_CP" \
    io.logstokengateway.testsupport.Testkit opensearch --uri-file "$TMP/opensearch.uri"
  OS_LAUNCHER_PID=$LAST_PID
}

# OpenSearch takes 20-30 s to start on 2 cores: it is launched first and boots while the bench tools compile and
# the other servers start; this waits for it and fills the index, before any measurement (it is idle after that).
wait_opensearch() {
  local i
  for i in $(seq 180); do
    [ -s "$TMP/opensearch.uri" ] && break
    kill -0 "$OS_LAUNCHER_PID" 2>/dev/null || { tail -40 "$TMP/opensearch.log" >&2; die "OpenSearch exited"; }
    sleep 1
  done
  [ -s "$TMP/opensearch.uri" ] || { tail -40 "$TMP/opensearch.log" >&2; die "OpenSearch did not start within 180 s"; }
  PORT[opensearch]=$(sed -n 's|^http://127.0.0.1:\([0-9]*\).*|\1|p' "$TMP/opensearch.uri")
  curl -sf -o /dev/null "http://127.0.0.1:${PORT[opensearch]}/_cluster/health?wait_for_status=yellow&timeout=60s" \
    || die "OpenSearch not yellow"
  log "OpenSearch on :${PORT[opensearch]}"
  index_s3_documents
}

index_s3_documents() { # S3_DOCS small log lines, one bulk request, refreshed before it answers
  local os=http://127.0.0.1:${PORT[opensearch]} out
  awk -v n="$S3_DOCS" 'BEGIN {
    split("INFO INFO INFO WARN ERROR", lv, " "); split("api billing search auth ingest", sv, " ")
    for (i = 0; i < n; i++) {
      printf "{\"index\":{}}\n"
      printf "{\"@timestamp\":\"2026-01-01T%02d:%02d:%02dZ\",\"level\":\"%s\",\"service\":\"%s\",\"status\":%d,", (i/3600)%24, (i/60)%60, i%60, lv[i%5+1], sv[i%5+1], (i%7 == 0 ? 500 : 200)
      printf "\"message\":\"request %d served by %s in %d ms\"}\n", i, sv[i%5+1], i%97 }
  }' >"$TMP/s3-bulk.ndjson"
  out=$(curl -sf -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/s3-bulk.ndjson" \
    "$os/$S3_INDEX/_bulk?refresh=true") || die "S3 bulk indexing failed"
  case "$out" in *'"errors":false'*) ;; *) die "S3 bulk indexing reported errors" ;; esac
  # What dashboards ask: recent errors (a query and a sort), and a Grafana-style _msearch of two such searches.
  printf '%s' '{"size":20,"query":{"bool":{"filter":[{"term":{"level.keyword":"ERROR"}},{"match":{"message":"served"}}]}},"sort":[{"@timestamp":"desc"}]}' >"$TMP/s3-search.json"
  {
    printf '{"index":"%s","ignore_unavailable":true}\n' "$S3_INDEX"
    cat "$TMP/s3-search.json"; echo
    printf '{"index":"%s","ignore_unavailable":true}\n' "$S3_INDEX"
    printf '%s\n' '{"size":0,"query":{"match_all":{}},"aggs":{"by_service":{"terms":{"field":"service.keyword"}}}}'
  } >"$TMP/s3-msearch.ndjson"
  log "S3: $S3_DOCS documents indexed into $S3_INDEX"
}

scenario_s3() {
  local os=http://127.0.0.1:${PORT[opensearch]} gw kind line name round rate achieved count errors p50 p90 p99 p999 max a b
  stop_gateway
  start_gateway "$os"
  gw=http://127.0.0.1:${PORT[gateway]}
  # Same answer both ways before measuring: the hit count of the search, and the same for _msearch.
  a=$(curl -sf -H 'Content-Type: application/json' --data-binary "@$TMP/s3-search.json" "$os/$S3_INDEX/_search" | json_number value)
  b=$(curl -sf -H "Authorization: ${AUTH[gateway]}" -H 'Content-Type: application/json' --data-binary "@$TMP/s3-search.json" \
    "$gw/$S3_INDEX/_search" | json_number value)
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -gt 0 ] || die "S3 _search: direct found '$a' hits, gateway '$b'"
  b=$(curl -sf -o /dev/null -w '%{http_code}' -H "Authorization: ${AUTH[gateway]}" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$TMP/s3-msearch.ndjson" "$gw/_msearch") || true
  [ "$b" = 200 ] || die "S3 _msearch through the gateway: HTTP $b"
  log "S3: $a hits for the search, both ways"
  for kind in search msearch; do
    local path body type
    if [ "$kind" = search ]; then path=/$S3_INDEX/_search; body=$TMP/s3-search.json; type=application/json
    else path=/_msearch; body=$TMP/s3-msearch.ndjson; type=application/x-ndjson; fi
    while read -r line; do
      read -r _ name round rate achieved count errors p50 p90 p99 p999 max <<<"$line"
      [ "$errors" = 0 ] || die "S3 $kind $name: $errors requests failed or not answered 200"
      S3_P50[$kind.$name]+="$p50 "; S3_P99[$kind.$name]+="$p99 "
      log "S3 $kind round $round $name: p50 $p50 ms, p99 $p99 ms (${achieved} req/s)"
    done < <(fixed_rate_load --rate "$S3_RATE" --duration "$S3_SECONDS" --warmup "$S3_WARM" --connections "$S3_CONNECTIONS" \
               --rounds "$S3_ROUNDS" --method POST --body "$body" --content-type "$type" \
               "direct=$os$path|${AUTH[direct]}" "gateway=$gw$path|${AUTH[gateway]}" | grep '^RESULT')
    [ -n "${S3_P99[$kind.gateway]:-}" ] || die "S3 $kind: no result"
  done
}

json_number() { # name: first number value of that field in the JSON on stdin
  grep -o "\"$1\" *: *[0-9]*" | head -n1 | grep -o '[0-9]*$'
}

# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }

declare -A M_RPS M_P50 M_P99 M_CPU M_DOWN M_UP HL_M_P50 HL_M_P99 S3_M_P50 S3_M_P99 STARTUP_M_MS STARTUP_M_RSS_MIB
compute_medians() { # medians over rounds, and the chart's data file
  local t
  for t in "${TARGETS[@]}"; do
    # shellcheck disable=SC2086
    M_RPS[$t]=$(median ${S1_RPS[$t]}); M_P50[$t]=$(median ${S1_P50[$t]}); M_P99[$t]=$(median ${S1_P99[$t]})
    # shellcheck disable=SC2086
    if [ -n "${PIDS[$t]}" ]; then M_CPU[$t]=$(median ${S1_CPU[$t]}); else M_CPU[$t]=""; fi
    # shellcheck disable=SC2086
    M_DOWN[$t]=$(median ${S2_DOWN[$t]}); M_UP[$t]=$(median ${S2_UP[$t]})
  done
  for t in "${TLS_TARGETS[@]}"; do
    # shellcheck disable=SC2086
    M_RPS[$t]=$(median ${S1_RPS[$t]}); M_P50[$t]=$(median ${S1_P50[$t]}); M_P99[$t]=$(median ${S1_P99[$t]})
    # shellcheck disable=SC2086
    M_CPU[$t]=$(median ${S1_CPU[$t]})
  done
  for t in "${TARGETS[@]}"; do
    echo "$t ${M_RPS[$t]} ${M_DOWN[$t]} ${M_UP[$t]}"
  done >"$TMP/chart.dat"
  local k
  for t in "${TARGETS[@]}"; do
    # shellcheck disable=SC2086
    HL_M_P50[$t]=$(median ${HL_P50[$t]}); HL_M_P99[$t]=$(median ${HL_P99[$t]})
  done
  for k in "${!S3_P50[@]}"; do
    # shellcheck disable=SC2086
    S3_M_P50[$k]=$(median ${S3_P50[$k]}); S3_M_P99[$k]=$(median ${S3_P99[$k]})
  done
  for t in "${!STARTUP_MS[@]}"; do
    # shellcheck disable=SC2086
    STARTUP_M_MS[$t]=$(median ${STARTUP_MS[$t]}); STARTUP_M_RSS_MIB[$t]=$(median ${STARTUP_RSS_MIB[$t]})
  done
}

# RESULTS.md ends with hand-written sections (figures of optimisations measured by hand, A/B): everything after
# this marker line is kept as it is when the file is written again.
KEEP_MARKER='<!-- Written by hand below this line: bench/run.sh keeps it when it rewrites this file. -->'

write_results() {
  local out=$OUT_DIR/RESULTS.md t g=gateway kept=""
  if [ -f "$BENCH_DIR/RESULTS.md" ]; then
    kept=$(awk -v m="$KEEP_MARKER" 'found {print} $0 == m {found = 1}' "$BENCH_DIR/RESULTS.md" | sed '/./,$!d')
  fi
  {
    echo "# Benchmark results"
    echo
    echo "Produced by \`$COMMAND\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')\`$(cd "$ROOT" && [ -n "$(git status --porcelain -- src pom.xml 2>/dev/null)" ] && echo ' (with local changes)')."
    echo
    echo "**Read the ratios, not the absolute figures.** This is a shared machine with $(nproc) cores on which wrk,"
    echo "the upstream nginx and the proxy all compete for the CPU: absolute figures are noise from one run to the next;"
    echo "the ratios within one run (targets measured in interleaved rounds, medians over rounds) are the figures to read."
    echo
    echo "## Machine"
    echo
    echo "- CPUs: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "- Kernel: $(uname -sr)"
    echo "- Java: $(java -version 2>&1 | head -n1); the gateways run with \`$GATEWAY_JAVA_OPTS\`, otherwise default JVM options"
    echo "- $(nginx -v 2>&1), $(haproxy -v | head -n1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
    echo
    echo "## Set-up"
    echo
    echo "- Upstream: nginx on 127.0.0.1 (\`worker_processes auto\`), a fixed 1 KiB JSON at \`$SEARCH_PATH\`,"
    echo "  a $BIG_MIB MiB random file at \`$BIG_PATH\`, WebDAV PUT at \`$UP_PATH\` (reads the whole body before answering)."
    echo "- **direct**: wrk/curl to the upstream. **nginx**: \`proxy_pass\` to an \`upstream { keepalive 64; }\`,"
    echo "  HTTP/1.1, \`auth_basic\` ({SHA} htpasswd, the cheapest scheme), \`proxy_request_buffering off\`."
    echo "  **haproxy**: \`http-request auth\` against a userlist (insecure-password), \`nbthread $(nproc)\`, \`http-reuse always\`."
    echo "  **gateway**: \`java $GATEWAY_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar\` with the defaults it ships"
    echo "  with, started by the test kit (\`Testkit gateway\`, the tests' \`GatewayProcess\`), H2 registry, Bearer API token,"
    echo "  credentials cache warm, index scoping on (\`$INDEX\` lies inside the service's patterns, so the path is"
    echo "  forwarded unchanged)."
    [ -z "$BASELINE" ] || echo "- **baseline**: the same gateway set-up from another build, \`$BASELINE/quarkus-run.jar\` (before/after figures)."
    [ -z "$NATIVE" ] || echo "- **native**: the same gateway set-up, run from the native executable \`$NATIVE\` (same heap options), see below."
    echo "- The gateway's access log (\`gateway.access\`) is on, as in production: one JSON line per request, written by a"
    echo "  thread of its own into the gateway's log file (the baseline writes it as that build does)."
    echo "- Every proxy removes the client's \`Authorization\`; the gateway sends the service's upstream credentials."
    echo
    write_targets
    echo "## S1: small responses (1 KiB), keep-alive"
    echo
    echo "\`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`, $ROUNDS interleaved round(s) (direct, nginx, haproxy, gateway, ...),"
    echo "after a $WARM warm-up per target. Medians over rounds. CPU: utime+stime of the proxy's processes"
    echo "(nginx master and workers, HAProxy, the JVM) from \`/proc/<pid>/stat\`, per 10 000 requests."
    echo
    echo "| target | req/s | p50 ms | p99 ms | proxy CPU s / 10k req | req/s per round |"
    echo "|---|---:|---:|---:|---:|---|"
    for t in "${TARGETS[@]}"; do
      echo "| $t | ${M_RPS[$t]} | ${M_P50[$t]} | ${M_P99[$t]} | ${M_CPU[$t]:-–} | ${S1_RPS[$t]% } |"
    done
    echo
    echo "| ratio | req/s | p50 | p99 | CPU / 10k req |"
    echo "|---|---:|---:|---:|---:|"
    echo "| gateway / nginx | $(ratio "${M_RPS[$g]}" "${M_RPS[nginx]}") | $(ratio "${M_P50[$g]}" "${M_P50[nginx]}") | $(ratio "${M_P99[$g]}" "${M_P99[nginx]}") | $(ratio "${M_CPU[$g]}" "${M_CPU[nginx]}") |"
    echo "| gateway / haproxy | $(ratio "${M_RPS[$g]}" "${M_RPS[haproxy]}") | $(ratio "${M_P50[$g]}" "${M_P50[haproxy]}") | $(ratio "${M_P99[$g]}" "${M_P99[haproxy]}") | $(ratio "${M_CPU[$g]}" "${M_CPU[haproxy]}") |"
    echo "| gateway / direct | $(ratio "${M_RPS[$g]}" "${M_RPS[direct]}") | $(ratio "${M_P50[$g]}" "${M_P50[direct]}") | $(ratio "${M_P99[$g]}" "${M_P99[direct]}") | – |"
    [ -z "$BASELINE" ] || echo "| gateway / baseline | $(ratio "${M_RPS[$g]}" "${M_RPS[baseline]}") | $(ratio "${M_P50[$g]}" "${M_P50[baseline]}") | $(ratio "${M_P99[$g]}" "${M_P99[baseline]}") | $(ratio "${M_CPU[$g]}" "${M_CPU[baseline]}") |"
    echo
    echo "Bytes allocated per request by the gateway's JVM, all threads (JFR, one more S1 run of $DURATION per JVM target):"
    echo "gateway **${S1_ALLOC[gateway]}**$([ -z "$BASELINE" ] || echo ", baseline ${S1_ALLOC[baseline]}")."
    echo "Peak RSS over S1 (VmHWM, set back to the RSS before the warm-up): $(for t in "${MEMORY_TARGETS[@]}"; do printf '%s %s MiB' "$t" "${S1_PEAK_MIB[$t]}"; [ "$t" = "${MEMORY_TARGETS[-1]}" ] || printf ', '; done)."
    echo
    echo "wrk runs closed-loop at full load, so its p99 is a queue's; p99 at a fixed rate is the next section."
    echo
    write_s1_tls
    write_half_load
    echo "## S2: large transfer ($BIG_MIB MiB), one connection"
    echo
    echo "\`curl -o /dev/null -w '%{speed_download}'\` (download of \`$BIG_PATH\`) and \`curl -T\` (upload, PUT \`$UP_PATH\`),"
    echo "$S2_ROUNDS interleaved round(s), medians; MB = 10^6 bytes."
    echo
    echo "| target | download MB/s | upload MB/s | download per round | upload per round |"
    echo "|---|---:|---:|---|---|"
    for t in "${TARGETS[@]}"; do
      echo "| $t | ${M_DOWN[$t]} | ${M_UP[$t]} | ${S2_DOWN[$t]% } | ${S2_UP[$t]% } |"
    done
    echo
    echo "| ratio | download | upload |"
    echo "|---|---:|---:|"
    echo "| gateway / nginx | $(ratio "${M_DOWN[$g]}" "${M_DOWN[nginx]}") | $(ratio "${M_UP[$g]}" "${M_UP[nginx]}") |"
    echo "| gateway / haproxy | $(ratio "${M_DOWN[$g]}" "${M_DOWN[haproxy]}") | $(ratio "${M_UP[$g]}" "${M_UP[haproxy]}") |"
    echo "| gateway / direct | $(ratio "${M_DOWN[$g]}" "${M_DOWN[direct]}") | $(ratio "${M_UP[$g]}" "${M_UP[direct]}") |"
    [ -z "$BASELINE" ] || echo "| gateway / baseline | $(ratio "${M_DOWN[$g]}" "${M_DOWN[baseline]}") | $(ratio "${M_UP[$g]}" "${M_UP[baseline]}") |"
    echo
    echo "Gateway memory over S2: RSS before $((RSS_BEFORE_KB / 1024)) MiB, peak (VmHWM, reset before S2) $((RSS_PEAK_KB / 1024)) MiB,"
    echo "growth **$(((RSS_PEAK_KB - RSS_BEFORE_KB) / 1024)) MiB** (target: < 64 MiB). Target: streaming ≥ 1 GB/s (1000 MB/s) on loopback."
    echo "The heap is fixed (\`$GATEWAY_JAVA_OPTS\`), so the growth is what streaming holds beyond it (buffers, native"
    echo "memory), not the JVM growing a heap it may size up to a quarter of RAM. The upload's destination is the same upstream for every"
    echo "target (nginx WebDAV into a RAM-backed temp dir), so its cost is in every figure, direct included; the first"
    echo "round is often slower for everyone (pages of the RAM dir being allocated)."
    echo
    if [ -f "$OUT_DIR/results.png" ]; then
      echo "![S1 and S2](results.png)"
    else
      echo "No chart: gnuplot is not installed (\`apt-get install gnuplot-nox\`)."
    fi
    echo
    write_s3
    write_s4
    [ -z "$NATIVE" ] || write_native
    # Sections written by hand (before/after figures of optimisations) are carried over from the previous file.
    if [ -n "$kept" ]; then
      echo "$KEEP_MARKER"
      echo
      printf '%s\n' "$kept"
    fi
  } >"$out.new"
  mv "$out.new" "$out"
  log "wrote $out"
}

# The targets the gateway is held to, each with this run's figure and whether it is met.
write_targets() {
  local g=gateway
  met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "" || v == "–") print "–"; else if ((op == ">=" && v + 0 >= t + 0) || (op == "<=" && v + 0 <= t + 0) || (op == "<" && v + 0 < t + 0)) print "met"; else print "**not met**" }'; }
  local rps_ratio cpu_ratio hl_added s3_search s3_msearch tls_ratio growth
  rps_ratio=$(ratio "${M_RPS[$g]}" "${M_RPS[nginx]}"); cpu_ratio=$(ratio "${M_CPU[$g]}" "${M_CPU[nginx]}")
  hl_added=$(diff_ms "${HL_M_P99[$g]}" "${HL_M_P99[direct]}")
  s3_search=$(diff_ms "${S3_M_P50[search.gateway]}" "${S3_M_P50[search.direct]}")
  s3_msearch=$(diff_ms "${S3_M_P50[msearch.gateway]}" "${S3_M_P50[msearch.direct]}")
  tls_ratio=$(ratio "${M_RPS[gateway-tls]}" "${M_RPS[nginx-tls]}")
  growth=$(((RSS_PEAK_KB - RSS_BEFORE_KB) / 1024))
  echo "## Targets"
  echo
  echo "| target | this run | |"
  echo "|---|---:|---|"
  echo "| S1 req/s, gateway / nginx ≥ 1.00 | $rps_ratio | $(met "$rps_ratio" ">=" 1) |"
  echo "| S1 CPU per request, gateway / nginx ≤ 1.00 | $cpu_ratio | $(met "$cpu_ratio" "<=" 1) |"
  echo "| S1 bytes allocated per request < 1024 | ${S1_ALLOC[$g]} | $(met "${S1_ALLOC[$g]}" "<" 1024) |"
  echo "| half-load p99, gateway − direct ≤ 1 ms | $hl_added | $(met "$hl_added" "<=" 1) |"
  echo "| S2 download ≥ 1000 MB/s | ${M_DOWN[$g]} | $(met "${M_DOWN[$g]}" ">=" 1000) |"
  echo "| S2 upload ≥ 1000 MB/s | ${M_UP[$g]} | $(met "${M_UP[$g]}" ">=" 1000) |"
  echo "| S2 RSS growth < 64 MiB | $growth | $(met "$growth" "<" 64) |"
  echo "| S3 added p50 \`_search\` < 0.2 ms | $s3_search | $(met "$s3_search" "<" 0.2) |"
  echo "| S3 added p50 \`_msearch\` < 0.2 ms | $s3_msearch | $(met "$s3_msearch" "<" 0.2) |"
  echo "| S1 over TLS req/s, gateway / nginx ≥ 1.00 | $tls_ratio | $(met "$tls_ratio" ">=" 1) |"
  echo
  echo "With the production defaults (access log on). Quick mode's runs are too short for these figures to mean much."
  echo
}

write_s1_tls() {
  local t p
  echo "## S1 over TLS: small responses (1 KiB), keep-alive, HTTPS"
  echo
  echo "S1's load (\`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`, $ROUNDS interleaved round(s) after a $WARM warm-up per"
  echo "target, medians, CPU as in S1) over HTTPS to three proxies terminating TLS, each with the same throwaway self-signed"
  echo "EC P-256 certificate generated at run time (openssl), HTTP/1.1 to wrk, plain HTTP to the same upstream:"
  echo
  echo "- **nginx-tls**: the nginx target's configuration, \`listen ... ssl\`, \`ssl_protocols TLSv1.3 TLSv1.2\`, ECDHE"
  echo "  AES-GCM / ChaCha20-Poly1305 for TLS 1.2, \`ssl_session_cache shared:SSL:10m\`."
  echo "- **haproxy-tls**: the haproxy target's configuration, \`bind ... ssl crt tls.pem ssl-min-ver TLSv1.2 alpn http/1.1\`,"
  echo "  the same TLS 1.2 ciphers."
  echo "- **gateway-tls**: the S1 gateway restarted with a listener key store (\`quarkus.tls.key-store.pem.0.cert\` and"
  echo "  \`.key\`, nothing else: the TLS settings it ships with, the JDK's TLS through Vert.x), same registry, token and"
  echo "  heap; all three listeners HTTPS. A JVM started just before these rounds, which takes tens of seconds of this"
  echo "  load to reach its steady rate (JIT): it gets a warm-up of its own first ($TLS_JIT_WARM of the same load), as the"
  echo "  plain gateway had served S1, the half load and S2 by then$([ "$QUICK" = 1 ] && echo " (quick mode: too short to reach the steady rate)")."
  echo "- nginx and HAProxy are given the gateway's order of suites (TLS 1.3: \`$TLS13_SUITES\`, server"
  echo "  preference), so that all three encrypt with the same cipher."
  echo
  echo "wrk speaks TLS through OpenSSL and keeps its $CONNECTIONS connections open: the $CONNECTIONS handshakes of a run are"
  echo "amortised over all its requests, so the figures are the cost of the record layer (encryption, TLS I/O) on"
  echo "top of S1, not of handshakes. Negotiated with each (\`openssl s_client\`, the library wrk uses):"
  for t in "${TLS_TARGETS[@]}"; do printf '%s' " $t \`${TLS_SESSION[$t]:-?}\`"; [ "$t" = "${TLS_TARGETS[-1]}" ] && echo "." || printf ';'; done
  echo
  echo "| target | req/s | p50 ms | p99 ms | proxy CPU s / 10k req | req/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
  for t in "${TLS_TARGETS[@]}"; do
    echo "| $t | ${M_RPS[$t]} | ${M_P50[$t]} | ${M_P99[$t]} | ${M_CPU[$t]:-–} | ${S1_RPS[$t]% } |"
  done
  echo
  echo "| ratio | req/s | p50 | p99 | CPU / 10k req |"
  echo "|---|---:|---:|---:|---:|"
  for p in nginx haproxy; do
    echo "| gateway-tls / $p-tls | $(ratio "${M_RPS[gateway-tls]}" "${M_RPS[$p-tls]}") | $(ratio "${M_P50[gateway-tls]}" "${M_P50[$p-tls]}") | $(ratio "${M_P99[gateway-tls]}" "${M_P99[$p-tls]}") | $(ratio "${M_CPU[gateway-tls]}" "${M_CPU[$p-tls]}") |"
  done
  echo
  echo "What TLS costs each proxy (TLS figure / plain S1 figure of the same proxy; the plain rounds ran earlier in the"
  echo "run, so drift between the two is in these ratios, unlike the ratios above):"
  echo
  echo "| proxy | req/s TLS / plain | CPU / 10k req TLS / plain |"
  echo "|---|---:|---:|"
  for p in nginx haproxy gateway; do
    echo "| $p | $(ratio "${M_RPS[$p-tls]}" "${M_RPS[$p]}") | $(ratio "${M_CPU[$p-tls]}" "${M_CPU[$p]}") |"
  done
  echo
}

diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "–"; else printf "%+.3f", a - b }'; }

write_half_load() {
  local t g=gateway
  echo "## S1 at half load: p99 at a fixed rate"
  echo
  echo "Every target at **$HALF_RATE req/s** (half of the gateway's median S1 req/s), $CONNECTIONS keep-alive connections, open loop:"
  echo "\`FixedRateLoad --rate $HALF_RATE --duration $HL_SECONDS --warmup $HL_WARM --connections $CONNECTIONS --rounds $ROUNDS\`"
  echo "(bench/jmh/src/main/java/io/logstokengateway/bench/FixedRateLoad.java, run from the \`-Pjmh\` build). Each request"
  echo "is due at a fixed time whatever happened to earlier ones and is timed from that time, as wrk2 does, so a stall"
  echo "shows in every request queued behind it (no coordinated omission). Debian has no wrk2, vegeta, oha or k6, and"
  echo "hey, h2load and autocannon pace per connection but wait for answers and time from the actual send, hence a"
  echo "generator of our own (Vert.x client on one event loop, HdrHistogram). Same rate for all, interleaved rounds, medians."
  echo
  echo "| target | p50 ms | p99 ms | p99 − direct p99 ms | p99 per round | achieved req/s per round |"
  echo "|---|---:|---:|---:|---|---|"
  for t in "${TARGETS[@]}"; do
    echo "| $t | ${HL_M_P50[$t]} | ${HL_M_P99[$t]} | $(diff_ms "${HL_M_P99[$t]}" "${HL_M_P99[direct]}") | ${HL_P99[$t]% } | ${HL_RATE[$t]% } |"
  done
  echo
  echo "Target: gateway p99 within 1 ms of direct at the same rate: gateway − direct p99 = **$(diff_ms "${HL_M_P99[$g]}" "${HL_M_P99[direct]}") ms**."
  echo "The load generator shares the $(nproc) cores with the upstream and the proxy; its own cost is in every target's figures."
  echo
}

write_s3() {
  local kind
  echo "## S3: real OpenSearch \`_search\` and \`_msearch\`, added latency"
  echo
  echo "OpenSearch $(sed -n 's/.*<opensearch.version>\(.*\)<.*/\1/p' "$ROOT/pom.xml") (the integ-test distribution from Maven Central the gateway's tests use), single node on 127.0.0.1,"
  echo "\`-Xms512m -Xmx512m\`, started by the test kit (as an unprivileged user when run as root). $S3_DOCS small log documents (timestamp, level, service, status,"
  echo "message) bulk-indexed into \`$S3_INDEX\`, refreshed. The gateway is restarted in front of it (same registry and token;"
  echo "it forwards the service's upstream credentials, which this OpenSearch without the security plugin ignores)."
  echo "OpenSearch is started at the beginning of the run (it boots while the bench tools compile) and is idle during"
  echo "the other scenarios."
  echo
  echo "- \`_search\`: \`POST /$S3_INDEX/_search\`, \`$(cat "$TMP/s3-search.json")\`"
  echo "- \`_msearch\`: \`POST /_msearch\` (NDJSON), that search plus a terms aggregation, each with its own \`index\` header line, as Grafana sends"
  echo
  echo "\`FixedRateLoad --rate $S3_RATE --connections $S3_CONNECTIONS --duration $S3_SECONDS --warmup $S3_WARM --rounds $S3_ROUNDS\`:"
  echo "a fixed moderate rate, direct and gateway interleaved per round, medians of the rounds."
  echo
  echo "| request | direct p50 ms | gateway p50 ms | added p50 ms | direct p99 ms | gateway p99 ms | added p99 ms | gateway / direct p50 | p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for kind in search msearch; do
    local dp50=${S3_M_P50[$kind.direct]} gp50=${S3_M_P50[$kind.gateway]} dp99=${S3_M_P99[$kind.direct]} gp99=${S3_M_P99[$kind.gateway]}
    echo "| \`_$kind\` | $dp50 | $gp50 | $(diff_ms "$gp50" "$dp50") | $dp99 | $gp99 | $(diff_ms "$gp99" "$dp99") | $(ratio "$gp50" "$dp50") | $(ratio "$gp99" "$dp99") |"
  done
  echo
  echo "p99 ms per round: \`_search\` direct ${S3_P99[search.direct]% }, gateway ${S3_P99[search.gateway]% };"
  echo "\`_msearch\` direct ${S3_P99[msearch.direct]% }, gateway ${S3_P99[msearch.gateway]% }."
  echo
}

write_native() {
  local g=gateway n=native
  echo "## Native executable beside the JVM"
  echo
  echo "\`$NATIVE\`: $(stat -c %s "$NATIVE") bytes, built by \`./mvnw package -Dnative\`. It ran as the target **native**"
  echo "in every S1, half-load and S2 round above, beside **gateway** (the JVM build of this checkout), with the same set-up:"
  echo "the defaults it ships with, \`$GATEWAY_JAVA_OPTS\` (the executable takes the same heap options), the H2 registry"
  echo "(which Quarkus does not support in native mode: the executable warns at start-up; a native deployment uses"
  echo "PostgreSQL), the access log on. Start-up: $STARTUP_ROUNDS interleaved start(s) of each on its data dir, timed by"
  echo "\`Testkit startup\` from the creation of the process to its first 200 answer to S1's search with the token (a"
  echo "registry lookup and the upstream's answer; polled every millisecond), then the RSS after $STARTUP_REST s at rest."
  echo
  echo "| figure | JVM (gateway) | native | native / JVM |"
  echo "|---|---:|---:|---:|"
  echo "| start to first answered search, ms | ${STARTUP_M_MS[$g]} | ${STARTUP_M_MS[$n]} | $(ratio "${STARTUP_M_MS[$n]}" "${STARTUP_M_MS[$g]}") |"
  echo "| RSS at rest after that answer, MiB | ${STARTUP_M_RSS_MIB[$g]} | ${STARTUP_M_RSS_MIB[$n]} | $(ratio "${STARTUP_M_RSS_MIB[$n]}" "${STARTUP_M_RSS_MIB[$g]}") |"
  echo "| peak RSS over S1, MiB | ${S1_PEAK_MIB[$g]} | ${S1_PEAK_MIB[$n]} | $(ratio "${S1_PEAK_MIB[$n]}" "${S1_PEAK_MIB[$g]}") |"
  echo "| S1 req/s | ${M_RPS[$g]} | ${M_RPS[$n]} | $(ratio "${M_RPS[$n]}" "${M_RPS[$g]}") |"
  echo "| S1 CPU s / 10k req | ${M_CPU[$g]} | ${M_CPU[$n]} | $(ratio "${M_CPU[$n]}" "${M_CPU[$g]}") |"
  echo "| S1 p99 ms | ${M_P99[$g]} | ${M_P99[$n]} | $(ratio "${M_P99[$n]}" "${M_P99[$g]}") |"
  echo "| half-load p99 ms | ${HL_M_P99[$g]} | ${HL_M_P99[$n]} | $(ratio "${HL_M_P99[$n]}" "${HL_M_P99[$g]}") |"
  echo "| S2 download MB/s | ${M_DOWN[$g]} | ${M_DOWN[$n]} | $(ratio "${M_DOWN[$n]}" "${M_DOWN[$g]}") |"
  echo "| S2 upload MB/s | ${M_UP[$g]} | ${M_UP[$n]} | $(ratio "${M_UP[$n]}" "${M_UP[$g]}") |"
  echo
  echo "Per start: JVM ${STARTUP_MS[$g]% } ms, native ${STARTUP_MS[$n]% } ms; RSS at rest JVM ${STARTUP_RSS_MIB[$g]% } MiB, native ${STARTUP_RSS_MIB[$n]% } MiB."
  echo "The half-load rate ($HALF_RATE req/s) is half of the JVM build's S1 maximum, and $(ratio "$HALF_RATE" "${M_RPS[$n]}") of the native"
  echo "executable's own: near 1, the native half-load p99 is that of a queue, not of a proxy at half its capacity."
  echo "The native executable runs Vert.x on NIO (Quarkus gives it the JDK transport), the JVM build on epoll; it has"
  echo "no JIT, so its S1 figures are those of ahead-of-time compiled code from the first request on, and the JVM's"
  echo "those of a JVM warmed up by the earlier rounds."
  echo
}

write_s4() {
  local name
  echo "## S4: microbenchmarks of the per-request auth path (JMH)"
  echo
  echo "JMH 1.37, \`java -cp target/jmh/classes:... org.openjdk.jmh.Main ${JMH_OPTS[*]} -bm avgt -tu ns\`, after"
  echo "\`./mvnw -Pjmh compile\` (sources in bench/jmh/src/main/java; the profile builds into target/jmh, outside the"
  echo "application). Average time per call, ± the 99.9 % confidence half-width JMH gives (– with too few samples)."
  echo "Single-threaded: the cost of one call, not the throughput of the cores."
  echo
  echo "| benchmark | ns/op | ± ns/op | what it measures |"
  echo "|---|---:|---:|---|"
  for name in "${S4_NAMES[@]}"; do
    echo "| \`$name\` | ${S4_SCORE[$name]} | ${S4_ERROR[$name]} | $(s4_what "$name") |"
  done
  echo
  echo "Target: a cached token under 1 µs (\`AuthBenchmark.cachedToken\` < 1000 ns/op)."
  echo "\`AuthBenchmark\` builds the real \`Authenticator\` with the real registry classes, \`Jdbc\`, \`ClusterNode\`, hashers and"
  echo "secret box on an H2 file database migrated by the real Flyway scripts, behind an Agroal pool; stand-ins only for"
  echo "what CDI injects (configuration with its declared defaults, datasource lookup, revocation event: no revocation"
  echo "happens). The \`miss*\` benchmarks run on a second authenticator whose caches keep nothing (cache TTLs of zero)"
  echo "and wait for the answer, which comes back through a worker thread as in the gateway. \`ScopeBenchmark\` decides"
  echo "on a catalog of three indices, as the gateway does before it remembers a decision (a remembered one is a cache"
  echo "lookup)."
  echo
}

s4_what() {
  case "$1" in
    AuthBenchmark.cachedToken) echo "token (Basic \`<token>:token\`), answered from the credentials cache" ;;
    AuthBenchmark.cachedAccount) echo "account credentials (Basic user:password), answered from the cache" ;;
    AuthBenchmark.refusedCached) echo "unknown token, refused from the negative cache" ;;
    AuthBenchmark.missToken) echo "token not cached: worker hop, HMAC lookup hash, H2 query, upstream secrets decrypted" ;;
    AuthBenchmark.missRefused) echo "unknown token not cached: worker hop, lookup hash, H2 query finds nothing" ;;
    AuthBenchmark.missAccount) echo "account not cached: H2 query and Argon2id check (19 MiB, 2 passes)" ;;
    ScopeBenchmark.decideSearch) echo "\`ScopeRules.decide\`: POST /<own index>/_search?ignore_unavailable=true, resolved to concrete indices" ;;
    ScopeBenchmark.checkMsearch) echo "\`ScopeRules.decide\` for a Grafana _msearch, then its header and search line checked" ;;
    *) echo "" ;;
  esac
}

# The medians as JSON, for scripts that compare runs: {"mode","commit","targets":{t:{s1_rps,...}},
# "s1_tls":{nginx|haproxy|gateway:{rps,p50_ms,p99_ms,cpu_s_per_10k,tls}},"s3":{...},"s4":{...},
# "memory":{gateway|baseline|native:{s1_peak_rss_mib,startup_ms,rest_rss_mib}}[,"native_executable_bytes"]}.
write_json() {
  local t k name first=1
  {
    printf '{"mode":"%s","commit":"%s","cores":%s,"targets":{' "$([ "$QUICK" = 1 ] && echo quick || echo full)" \
      "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')" "$(nproc)"
    for t in "${TARGETS[@]}"; do
      [ $first = 1 ] || printf ','; first=0
      printf '"%s":{"s1_rps":%s,"s1_p50_ms":%s,"s1_p99_ms":%s,"s1_cpu_s_per_10k":%s,"s1_alloc_bytes_per_request":%s,"half_load_p50_ms":%s,"half_load_p99_ms":%s,"s2_download_mb_s":%s,"s2_upload_mb_s":%s}' \
        "$t" "$(json_value "${M_RPS[$t]}")" "$(json_value "${M_P50[$t]}")" "$(json_value "${M_P99[$t]}")" \
        "$(json_value "${M_CPU[$t]}")" "$(json_value "${S1_ALLOC[$t]:-}")" "$(json_value "${HL_M_P50[$t]:-}")" "$(json_value "${HL_M_P99[$t]:-}")" \
        "$(json_value "${M_DOWN[$t]}")" "$(json_value "${M_UP[$t]}")"
    done
    printf '},"s1_tls":{'; first=1
    for t in "${TLS_TARGETS[@]}"; do
      [ $first = 1 ] || printf ','; first=0
      printf '"%s":{"rps":%s,"p50_ms":%s,"p99_ms":%s,"cpu_s_per_10k":%s,"tls":"%s"}' "${t%-tls}" \
        "$(json_value "${M_RPS[$t]}")" "$(json_value "${M_P50[$t]}")" "$(json_value "${M_P99[$t]}")" \
        "$(json_value "${M_CPU[$t]}")" "${TLS_SESSION[$t]:-}"
    done
    printf '},"s3":{'; first=1
    for k in "${!S3_M_P50[@]}"; do
      [ $first = 1 ] || printf ','; first=0
      printf '"%s":{"p50_ms":%s,"p99_ms":%s}' "$k" "$(json_value "${S3_M_P50[$k]}")" "$(json_value "${S3_M_P99[$k]}")"
    done
    printf '},"s4_ns_per_op":{'; first=1
    for name in "${S4_NAMES[@]}"; do
      [ $first = 1 ] || printf ','; first=0
      printf '"%s":%s' "$name" "$(json_value "${S4_SCORE[$name]}")"
    done
    printf '},"memory":{'; first=1
    for t in "${MEMORY_TARGETS[@]}"; do
      [ $first = 1 ] || printf ','; first=0
      printf '"%s":{"s1_peak_rss_mib":%s,"startup_ms":%s,"rest_rss_mib":%s}' "$t" "$(json_value "${S1_PEAK_MIB[$t]:-}")" \
        "$(json_value "${STARTUP_M_MS[$t]:-}")" "$(json_value "${STARTUP_M_RSS_MIB[$t]:-}")"
    done
    printf '}'
    [ -z "$NATIVE" ] || printf ',"native_executable_bytes":%s' "$(stat -c %s "$NATIVE")"
    printf '}\n'
  } >"$OUT_DIR/results.json"
}

json_value() { # a number as JSON, or null when it was not measured
  if [[ "${1:-}" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then printf '%s' "$1"; else printf 'null'; fi
}

write_chart() {
  rm -f "$OUT_DIR/results.png"
  command -v gnuplot >/dev/null || { log "no gnuplot: no chart"; return 0; }
  local term="pngcairo size 1100,450 font 'sans,10'"
  gnuplot -e "set terminal pngcairo" >/dev/null 2>&1 || term="png size 1100,450"
  gnuplot <<EOF || { log "gnuplot failed: no chart"; rm -f "$OUT_DIR/results.png"; }
set terminal $term
set output '$OUT_DIR/results.png'
set multiplot layout 1,2 title "logs-token-gateway bench ($([ $QUICK = 1 ] && echo quick || echo full) mode, $(nproc) cores, loopback; compare bars within a chart)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set title "S1: 1 KiB responses, 64 keep-alive connections"
set ylabel "requests/s (median)"
plot '$TMP/chart.dat' using 2:xtic(1) notitle lc rgb "#4477aa"
set title "S2: $BIG_MIB MiB transfer, one connection"
set ylabel "MB/s (median)"
plot '$TMP/chart.dat' using 3:xtic(1) title "download" lc rgb "#228833", '' using 4 title "upload" lc rgb "#ccbb44"
unset multiplot
EOF
}

main() {
  local t0=$SECONDS
  install_tools
  build_gateway
  TMP=$(mktemp -d "$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/gateway-bench.XXXXXX")
  chmod 755 "$TMP"
  start_opensearch
  build_bench_tools
  make_certificate
  start_upstream
  start_nginx_proxy
  start_nginx_proxy tls
  start_haproxy
  start_haproxy tls
  start_gateway
  provision_token
  if [ -n "$BASELINE" ]; then
    start_gateway_build baseline --app-dir "$BASELINE" "http://127.0.0.1:${PORT[direct]}"
    provision_token baseline
  fi
  if [ -n "$NATIVE" ]; then
    start_gateway_build native --executable "$NATIVE" "http://127.0.0.1:${PORT[direct]}"
    provision_token native
  fi
  wait_opensearch
  check_targets
  scenario_s1
  scenario_allocation
  scenario_half_load
  scenario_s2
  scenario_s4
  [ -z "$NATIVE" ] || scenario_startup   # stops the gateways; S1 over TLS starts the gateway again
  scenario_s1_tls   # restarts the gateway with listener TLS
  scenario_s3   # last: it replaces the gateway's upstream with OpenSearch (and restarts it in plain HTTP)
  compute_medians
  write_chart
  write_results
  write_json
  log "done in $((SECONDS - t0)) s: $OUT_DIR/RESULTS.md, $OUT_DIR/results.json"
}

main
