#!/bin/sh
# Makes the AppCDS archive of a built Baton (a quarkus-app directory) with the JDK that will run it.
#
#   appcds-training.sh <quarkus-app dir> [java]
#
# Writes <dir>/app-cds.jsa. Run the service with the same java, the same <dir>/quarkus-run.jar path (absolute, as
# here) and -XX:SharedArchiveFile=<dir>/app-cds.jsa: a JDK uses an archive only if exactly that JDK build made it for
# that class path, and otherwise ignores it (the service then only starts slower; this script checks that it maps).
# The image runs it in a RUN step (Dockerfile.jvm); the build runs it for the benchmark's application (pom.xml).
#
# Why not quarkus.package.jar.appcds.enabled: Quarkus's training run stops once the beans are ready (static init: no
# StartupEvent, no API request), so its archive misses most of what the first leadership needs: the Kubernetes
# client, its HTTP stack, the elector (measured: 2.6 s to leader with it, 1.2 s with this one). This training starts
# the whole service, the election on, against an API server address where nothing listens (an image build has no
# cluster): the elector's first requests fail at once, having loaded the client and its HTTP stack. Then SIGTERM: the
# JVM writes the archive (-XX:ArchiveClassesAtExit) as it exits. (Pointing the client at the service's own HTTP port,
# so that the requests get answers, made a larger archive but no faster start.)
#
# JVM options: the file named by BATON_JVM_OPTIONS (default: jvm.options beside this script).
set -eu

app=$(cd "$1" && pwd)
java=${2:-java}
options=${BATON_JVM_OPTIONS:-$(dirname "$0")/jvm.options}
archive="$app/app-cds.jsa"
log="${TMPDIR:-/tmp}/baton-appcds-training.$$.log"

rm -f "$archive"
# An address where nothing listens: port 1 of the loopback. Any HTTP port would do (0 = any free one).
"$java" "@$options" -XX:ArchiveClassesAtExit="$archive" \
    -Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:1 \
    -Dbaton.namespace=appcds-training -Dbaton.identity=appcds-training \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 \
    -jar "$app/quarkus-run.jar" >"$log" 2>&1 &
pid=$!

# Until the service has started (at most 120 s: a slow build machine), then 3 s more for the elector's first
# (refused) requests and the watch's first attempt.
waited=0
until grep -q " started in " "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge 1200 ]; then
        echo "appcds-training: the training run did not start; its log:" >&2
        cat "$log" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
done
sleep 3
kill -TERM "$pid"
wait "$pid" || true

if [ ! -s "$archive" ]; then
    echo "appcds-training: no archive was written; the training run's log:" >&2
    cat "$log" >&2
    exit 1
fi
# The archive must map with these options, or the JVM would ignore it at every start without saying so.
if ! "$java" "@$options" -Xshare:on -XX:SharedArchiveFile="$archive" -cp "$app/quarkus-run.jar" -version \
        >/dev/null 2>&1; then
    echo "appcds-training: $archive does not map with $options" >&2
    exit 1
fi
rm -f "$log"
echo "appcds-training: $archive ($(du -k "$archive" | cut -f1) kB)"
