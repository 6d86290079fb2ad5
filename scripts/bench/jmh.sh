#!/usr/bin/env bash
# Benchmark: the Java hot paths under JMH (the jmh module, built only with -Pjmh): Bus dispatch
# (dev.panamax.device.BusBench), the split virtqueue's pop and publish
# (dev.panamax.virtio.VirtqueueBench), a 4 KiB virtio-blk read and write against a temporary
# image (dev.panamax.virtio.BlockRequestBench), a virtio-net frame each way over a stub backend
# (dev.panamax.virtio.NetFrameBench), a 1 KiB vsock packet each way to a real Unix socket
# (dev.panamax.virtio.VsockBench). No peer to compare with: JMH's own figures (ns
# or us per operation, with its error bars), on this machine, no KVM needed.
# Usage: scripts/bench/jmh.sh [JMH ARGS...] (default: every benchmark; e.g. `Bus` for a regex,
# `-prof gc` for allocation per operation). Results also go to build/bench/jmh.txt.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # find_jdk, ensure_build_tools, mvn_batch

find_jdk
ensure_build_tools
echo "jmh: building the benchmarks (mvn -Pjmh package)" >&2
(cd "$REPO" && mvn_batch -q -Pjmh -pl jmh -am -DskipTests package) >&2
mkdir -p "$REPO/build/bench"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
	-cp "$REPO/jmh/target/classes:$(cat "$REPO/jmh/target/jmh-classpath.txt")" org.openjdk.jmh.Main \
	-jvmArgsAppend --enable-native-access=ALL-UNNAMED -rf text -rff "$REPO/build/bench/jmh.txt" "$@"
