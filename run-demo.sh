#!/usr/bin/env bash
# Local demo of logs-token-gateway, with nothing but a JDK (17 or newer) and bash:
#
#   ./run-demo.sh [--with-graylog]
#
#   1. builds the gateway and its test kit (./mvnw package, tests compiled but not run; the build fetches
#      OpenSearch 2.19.1, and with --with-graylog Graylog 6.1.4, from Maven Central),
#   2. with the test kit (demo/Demo.java on src/test/java/io/logstokengateway/testsupport, as the tests and the
#      benchmark use it): starts a real OpenSearch, with --with-graylog a real Graylog too (15 to 30 s more, with a
#      Graylog user, stream and access token for the demo service), and the gateway: management on :8080, search
#      API on :9200, Graylog API on :9000 (without Graylog behind it, its /api answers 502),
#   3. through the gateway's own APIs, creates service ldp-demo-00001 and an API token, indexes three sample log
#      documents through the gateway with that token, and prints commands to try,
#   4. stays in the foreground; Ctrl-C stops everything it started.
#
# Every listener binds 127.0.0.1 only (DEMO_BIND_HOST=0.0.0.0 to open them to the network). Logs:
# target/demo/gateway.log, target/opensearch-run/ and target/graylog-run/. The gateway's registry stays in
# target/demo between runs; delete that folder to start afresh. DEMO_SKIP_BUILD=1 reuses an existing build.
set -Eeuo pipefail

cd "$(dirname "$0")"

WITH_GRAYLOG=0
for arg in "$@"; do
  case "$arg" in
    --with-graylog) WITH_GRAYLOG=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run-demo.sh: unknown option $arg (use --with-graylog)" >&2; exit 2 ;;
  esac
done

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nrun-demo.sh: %s\n' "$*" >&2; exit 1; }

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
# OpenSearch 2.19 relies on the Security Manager, which Java 24 removed; Graylog 6.1 is built for Java 17.
KIT_PROPS=()
[[ -z "${OPENSEARCH_JAVA_HOME:-}" ]] || KIT_PROPS+=("-Dopensearch.java.home=$OPENSEARCH_JAVA_HOME")
[[ -z "${GRAYLOG_JAVA_HOME:-}" ]] || KIT_PROPS+=("-Dgraylog.java.home=$GRAYLOG_JAVA_HOME")
if (( ${JAVA_VERSION%%.*} >= 24 )) && [[ -z "${OPENSEARCH_JAVA_HOME:-}" ]]; then
  echo "run-demo.sh: warning: OpenSearch 2.19 does not run on Java $JAVA_VERSION; if it fails to start," \
    "set OPENSEARCH_JAVA_HOME (and GRAYLOG_JAVA_HOME) to a JDK 17 or 21" >&2
fi

# ---------------------------------------------------------------- 1. build

BUILT=(target/quarkus-app/quarkus-run.jar target/testkit-classpath.txt target/opensearch-dist/opensearch.zip
  target/test-classes/io/logstokengateway/testsupport/GatewayProcess.class)
[[ "$WITH_GRAYLOG" == 0 ]] || BUILT+=(target/graylog/classpath.txt)
built() { local f; for f in "${BUILT[@]}"; do [[ -f "$f" ]] || return 1; done; }

if [[ "${DEMO_SKIP_BUILD:-}" == 1 ]] && built; then
  say "Reusing the existing build (DEMO_SKIP_BUILD=1)"
else
  say "Building the gateway and its test kit: ./mvnw package, tests compiled, not run (the first run downloads Maven,"
  echo "    the dependencies, OpenSearch$([[ "$WITH_GRAYLOG" == 1 ]] && echo " and Graylog with its runtime classpath (about 240 MB)"))"
  t0=$(date +%s)
  # Without --with-graylog, Graylog is left out of the build: the default stays quick.
  ./mvnw -q -DskipTests $([[ "$WITH_GRAYLOG" == 1 ]] || echo -Dgraylog.skip) package || die "the build failed (see above)"
  echo "Built in $(( $(date +%s) - t0 )) s"
fi
built || die "the build did not produce ${BUILT[*]}"

# ---------------------------------------------------------------- 2-4. the demo itself

# In the foreground: Ctrl-C reaches it (and the servers it started, which stop on their own too).
"$JAVA" "${KIT_PROPS[@]}" -cp "target/test-classes:target/classes:$(cat target/testkit-classpath.txt)" \
  demo/Demo.java $([[ "$WITH_GRAYLOG" == 1 ]] && echo --with-graylog)
