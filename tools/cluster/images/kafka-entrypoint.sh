#!/bin/sh
# Entry point of the lab's offline Kafka image (tools/cluster/images.sh): one KRaft node, configured like the
# apache/kafka image from KAFKA_* variables (KAFKA_NODE_ID=1 -> node.id=1; KAFKA_HEAP_OPTS is the JVM's heap),
# so the chart's dev-infra template runs either image unchanged.
set -eu
conf=/opt/kafka/config/server.properties
: >"$conf"
env | while IFS='=' read -r name value; do
  case "$name" in
    # Not settings: the heap, the id, and the variables Kubernetes makes for a Service named kafka.
    KAFKA_HEAP_OPTS | KAFKA_CLUSTER_ID | KAFKA_PORT | KAFKA_PORT_* | KAFKA_SERVICE_*) ;;
    KAFKA_*) echo "$(echo "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')=$value" >>"$conf" ;;
  esac
done
logs="$(sed -n 's/^log\.dirs=//p' "$conf")"
logs="${logs:-/var/lib/kafka/data}"
echo "log.dirs=$logs" >>"$conf"
java_opts="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties"
if [ ! -f "$logs/meta.properties" ]; then
  # shellcheck disable=SC2086
  java $java_opts -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format \
    --cluster-id="${KAFKA_CLUSTER_ID:-ZWRhLWxhYi1rYWZrYS0wMQ}" --config "$conf" --ignore-formatted
fi
# shellcheck disable=SC2086
exec java $java_opts -cp '/opt/kafka/libs/*' kafka.Kafka "$conf"
