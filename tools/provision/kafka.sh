#!/usr/bin/env bash
# Prints the lib folder of the pinned Apache Kafka (KRaft broker jars plus a log4j2 backend), fetched from
# Maven Central with `mvn dependency:copy-dependencies` into $LAB_CACHE/kafka-$KAFKA_VERSION. Fast when present.
source "$(dirname "$0")/lib.sh"
dir="$LAB_CACHE/kafka-$KAFKA_VERSION"
lib="$dir/lib"
# The stamp is written last, so an interrupted fetch is redone rather than half-used.
if [ -f "$dir/.complete" ]; then
  echo "$lib"
  exit 0
fi
t0=$(date +%s)

# Kafka 4 brokers need Java 17+; Maven resolves the jars. Debian packages when we are root and they are missing.
java_major() { java -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p'; }
need=()
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then need+=("$JDK_DEBIAN_PACKAGE"); fi
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    fail "Kafka needs ${need[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y ${need[*]}) and run again."
  fi
  say "installing ${need[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need[@]}" >/dev/null
  }
fi
[ "$(java_major)" -ge 17 ] || fail "Kafka $KAFKA_VERSION needs Java 17 or newer; found $(java -version 2>&1 | head -1)"

say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $lib"
mkdir -p "$dir"
# A one-project pom: the broker (whose POM brings clients, raft, storage, scala...) plus the slf4j -> log4j2
# binding that the binary tarball ships but the POM leaves out (without it the broker logs nothing).
cat >"$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lab.provision</groupId>
  <artifactId>kafka-lib</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$KAFKA_LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
rm -rf "$lib.partial"
mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$lib.partial" >&2 || fail "mvn could not fetch Kafka $KAFKA_VERSION (see the Maven output above)"
for jar in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar" "log4j-core-$KAFKA_LOG4J_VERSION.jar" \
  "log4j-slf4j-impl-$KAFKA_LOG4J_VERSION.jar"; do
  [ -f "$lib.partial/$jar" ] || fail "$jar is missing after the Maven fetch"
done
# Prove the jars form a runnable broker toolchain before calling them done.
java -cp "$lib.partial/*" kafka.tools.StorageTool random-uuid >/dev/null 2>&1 ||
  fail "the fetched Kafka jars do not run (java -cp '$lib.partial/*' kafka.tools.StorageTool random-uuid)"
rm -rf "$lib"
mv "$lib.partial" "$lib"
touch "$dir/.complete"
say "Kafka $KAFKA_VERSION ready in $(($(date +%s) - t0)) s ($(ls "$lib" | wc -l) jars)"
echo "$lib"
