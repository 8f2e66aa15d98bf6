#!/usr/bin/env bash
# The scale benchmark (BENCHMARKS.md): the operator against a real local control plane, side by side with the API
# server's own write ceiling on the same objects and with Kyverno, the incumbent. Prints the table and writes
# bench/results/<date>-results.json and bench/results/convergence.png.
#
# Usage: hack/benchmark.sh [--sizes 100,1000] [--with-3000] [--with-10000] [--write-markdown] [--profile]
#                          [--operator-java-opts OPTS] [--java JDK_HOME] [--no-aot-cache] [--kyverno-sizes LIST]
#                          [--without-kyverno]
#   --sizes LIST                namespace counts, comma-separated (default 100,1000)
#   --with-3000                 add N = 3,000
#   --with-10000                add N = 10,000 (10,000 namespaces, sessions and pods; every phase as at the other sizes)
#   --write-markdown            replace the results section of BENCHMARKS.md with this run
#   --profile                   record the operator with JFR (method samples) and print where its CPU time went
#   --operator-java-opts OPTS   the operator's JVM options; by default the image's (src/main/docker/jvm.options), with -XX:MaxRAM at the
#                               chart's memory limit (as in a container); "" runs a plain java -jar, sized from
#                               this machine's memory
#   --java JDK_HOME             the Java runtime that runs the operator; by default the image's (hack/images.sh
#                               java-home: a JDK 25 when one is installed). The operator is built for Java 17 either way
#   --no-aot-cache              on Java 25, run without the AOT cache (JEP 483/514/515) the image has; by default a
#                               training run as the image's (hack/aot-training.sh, the same JVM options) writes one
#                               (-XX:AOTCacheOutput) and the measured runs read it (-XX:AOTCache)
#   --kyverno-sizes LIST        the sizes with a Kyverno phase (default 100,1000: its convergence grows with N squared)
#   --without-kyverno           skip the Kyverno phase of each size (and its build by hack/kyverno.sh)
#
# Each size gets a fresh control plane (hack/local-cluster.sh in a private directory, on free loopback ports), removed
# afterwards together with the operator, also on failure or Ctrl-C. Needs the README's set-up: Java 17, Go, openssl, curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The operator runs as the image runs it: the image's JVM options (src/main/docker/jvm.options), and -XX:MaxRAM set to the
# chart's memory limit, which is what the JVM sizes itself from in a container.
DEFAULT_OPERATOR_JAVA_OPTS="-XX:MaxRAM=$(hack/images.sh max-ram) $(grep -o '^-XX:[^ ]*' src/main/docker/jvm.options | tr '\n' ' ')"
sizes="100,1000"
markdown=()
profile=false
operator_java_opts="$DEFAULT_OPERATOR_JAVA_OPTS"
operator_java="$(hack/images.sh java-home)/bin/java"
aot_cache=true
kyverno=true
kyverno_sizes="100,1000"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --with-3000) sizes="$sizes,3000"; shift ;;
    --with-10000) sizes="$sizes,10000"; shift ;;
    --write-markdown) markdown=(--markdown BENCHMARKS.md); shift ;;
    --profile) profile=true; shift ;;
    --operator-java-opts) operator_java_opts="$2"; shift 2 ;;
    --java) operator_java="$2/bin/java"; shift 2 ;;
    --no-aot-cache) aot_cache=false; shift ;;
    --kyverno-sizes) kyverno_sizes="$2"; shift 2 ;;
    --without-kyverno) kyverno=false; shift ;;
    *) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "Building what is missing: control-plane binaries, Kyverno, the operator and its CLI, the benchmark driver"
hack/kube-binaries.sh
kyverno_options=()
if $kyverno; then
  kyverno_options=(--kyverno-dir "$(hack/kyverno.sh)")
fi
if [[ ! -f target/quarkus-app/quarkus-run.jar || ! -f target/agentpolicy-cli.jar ||
      -n "$(find src crds pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]]; then
  ./mvnw -B -q package -DskipTests
fi
if [[ ! -f bench/target/agentpolicy-bench.jar || -n "$(find bench/src bench/pom.xml -newer bench/target/agentpolicy-bench.jar -print -quit)" ]]; then
  ./mvnw -B -q -f bench/pom.xml package
fi

# The run works on copies, so a rebuild of target/ during the run cannot swap the operator under it.
work="$(mktemp -d "${TMPDIR:-/tmp}/agentpolicy-bench.XXXXXX")"
cp -r target/quarkus-app "$work/operator"
cp target/agentpolicy-cli.jar bench/target/agentpolicy-bench.jar "$work/"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- src pom.xml 2>/dev/null || commit="$commit+uncommitted"

cluster_dir=""
stop_size() {
  # What the driver started (it writes their pid files) and could not stop itself, should it have died.
  for pid_file in "$work/operator.pid" "$work/kyverno.pid" "$work/background-controller.pid"; do
    if [[ -f "$pid_file" ]]; then
      kill "$(cat "$pid_file")" 2>/dev/null || true
      rm -f "$pid_file"
    fi
  done
  if [[ -n "$cluster_dir" ]]; then
    LOCAL_CLUSTER_DIR="$cluster_dir" hack/local-cluster.sh down 2>/dev/null || true
    cluster_dir=""
  fi
}
trap stop_size EXIT
trap 'exit 130' INT TERM

# A fresh control plane in $work/cluster-NAME on free loopback ports, with the CRDs, the five example policies, and
# $work/operator-NAME.kubeconfig for the operator.
start_cluster() {
  cluster_dir="$work/cluster-$1"
  LOCAL_CLUSTER_DIR="$cluster_dir"
  LOCAL_CLUSTER_PORT="$(hack/local-cluster.sh free-port 27443)"
  LOCAL_ETCD_PORT="$(hack/local-cluster.sh free-port 34790)"
  export LOCAL_CLUSTER_DIR LOCAL_CLUSTER_PORT LOCAL_ETCD_PORT
  hack/local-cluster.sh up 2>&1 | grep -v '^  \|use it with\|stop it with' >&2
  eval "$(hack/local-cluster.sh env)"
  kubectl apply --server-side -f crds/ >/dev/null
  kubectl wait --for condition=Established crd/permissionpolicies.agentpolicy.io crd/agentsessions.agentpolicy.io --timeout=60s >/dev/null
  kubectl apply -f examples/policies/ >/dev/null
  # The operator and the ceiling's client sign in as a pod does, with a ServiceAccount token.
  operator_kubeconfig="$work/operator-$1.kubeconfig"
  hack/local-cluster.sh token-kubeconfig "$operator_kubeconfig"
}

# The AOT cache: a training run of the operator with the measured runs' JVM options (the cache is only used by a JVM
# started with the same ones), as hack/images.sh makes the image's.
aot_options=()
if $aot_cache && [[ "$("$operator_java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')" -ge 25 ]]; then
  say "AOT cache: a training run of the operator against a throwaway control plane holding the examples"
  # shellcheck disable=SC2086 # the options are separate words
  hack/aot-training.sh "$work/aot-training.kubeconfig" -- env KUBECONFIG="$work/aot-training.kubeconfig" \
    "$operator_java" $operator_java_opts -XX:AOTCacheOutput="$work/operator.aot" -jar "$work/operator/quarkus-run.jar"
  [[ -s "$work/operator.aot" ]] || { echo "no AOT cache written (Java 25 or later needed)" >&2; exit 1; }
  aot_options=(--operator-java-opt "-XX:AOTCache=$work/operator.aot")
fi

operator_opts=(--operator-java "$operator_java" ${aot_options[@]+"${aot_options[@]}"})
for opt in $operator_java_opts; do operator_opts+=(--operator-java-opt "$opt"); done

# What the operator keeps whatever the cluster's size: its live heap on a control plane holding only the CRDs and the
# policies, subtracted before each size's live heap is divided per namespace.
say "Empty cluster: the operator's live heap with the policies and no namespace of the scenario"
start_cluster empty
empty_kib="$(java -jar "$work/agentpolicy-bench.jar" empty-cluster --operator-app "$work/operator" \
  --operator-kubeconfig "$operator_kubeconfig" --work "$work" "${operator_opts[@]}")"
stop_size

results=()
for n in ${sizes//,/ }; do
  say "N = $n: a fresh control plane, the CRDs and the five example policies"
  start_cluster "$n"

  say "N = $n: the benchmark"
  java_opts=("${operator_opts[@]}" --empty-cluster-live-heap-kib "$empty_kib")
  size_kyverno=()
  if [[ ",$kyverno_sizes," == *",$n,"* ]]; then size_kyverno=(${kyverno_options[@]+"${kyverno_options[@]}"}); fi
  if $profile; then
    java_opts+=(--operator-java-opt "-XX:StartFlightRecording=filename=$work/operator-$n.jfr,settings=profile")
  fi
  java -jar "$work/agentpolicy-bench.jar" run --size "$n" --cluster-dir "$cluster_dir" --etcd-url "http://127.0.0.1:$LOCAL_ETCD_PORT" \
    --operator-app "$work/operator" --operator-kubeconfig "$operator_kubeconfig" --cli-jar "$work/agentpolicy-cli.jar" --policies examples/policies --work "$work" \
    --out "$work/result-$n.json" --commit "$commit" ${java_opts[@]+"${java_opts[@]}"} \
    ${size_kyverno[@]+"${size_kyverno[@]}"}
  stop_size
  results+=(--result "$work/result-$n.json")
  if $profile; then
    java -jar "$work/agentpolicy-bench.jar" profile --jfr "$work/operator-$n.jfr"
  fi
done

say "Results"
mkdir -p bench/results
java -jar "$work/agentpolicy-bench.jar" report "${results[@]}" --json "bench/results/$(date +%F)-results.json" \
  --chart bench/results/convergence.png ${markdown[@]+"${markdown[@]}"}
rm -rf "$work/operator"
echo "Written: bench/results/$(date +%F)-results.json, bench/results/convergence.png${markdown[*]:+, BENCHMARKS.md}. Operator and Kyverno logs: $work" >&2
