#!/usr/bin/env bash
# Builds the images the local node runs, from scratch and without a container engine or a registry
# (hack/oci-image.sh writes the archives; `hack/local-cluster.sh import-image` loads them into the node):
#
#   operator  the operator: a Java runtime made with jlink (the local JDK 17, or OPERATOR_JDK),
#             the Quarkus fast-jar of `./mvnw package` (target/quarkus-app), the JVM options of
#             src/main/docker/jvm.options (the Dockerfile reads the same file) and, on Java 25 when run as root, an
#             AOT cache made by a training run of the image's own files (hack/aot-training.sh, in a chroot of the
#             image); uid 185, nothing written outside /tmp, so the root filesystem may be read-only.
#   agent     an agent: the pinned Claude Code binary (hack/claude-code.sh) and Debian's static busybox for a shell,
#             run as uid 1000 with HOME=/home/agent.
#
# Each prints "NAME=reference", "ARCHIVE=path" lines on stdout; archives land in $KUBE_API_TEST_DIR/images
# (default ~/.kubeapitest/images), never in the repository. The jlink runtime is cached there and made once per
# JDK version and module list.
#
# Usage: hack/images.sh operator|agent   (exit 3: the agent's Claude Code cannot be installed, npm is unreachable)
#        hack/images.sh java-home        the JDK the operator's runtime is made from (OPERATOR_JDK to choose another);
#                                        hack/benchmark.sh runs the operator on it
#        hack/images.sh max-ram          the chart's memory limit as -XX:MaxRAM takes it (the JVM sizes itself from the
#                                        container's limit; outside one it needs telling)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
CACHE="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/images"
# What the operator's jars use of the JDK (jdeps over target/quarkus-app: java.desktop is java.beans for
# quarkus-core and commons-lang3, java.sql and java.net.http are micrometer's), plus jdk.crypto.ec for TLS with EC
# keys, jdk.zipfs and jdk.jfr for diagnosis (jcmd-free flight recordings).
JAVA_MODULES="java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.jfr"
# Native libraries of the desktop modules (AWT, fonts, sound, images) load only when a program draws; their X11
# and font dependencies are left out of the image.
DESKTOP_LIBRARIES='/lib(awt|awt_xawt|awt_headless|fontmanager|javajpeg|lcms|mlib_image|splashscreen|jsound)\.so$'

log() { echo "[images] $*" >&2; }

# copy_libraries <rootfs> <elf...>: the shared libraries the files load (ldd), and the dynamic loader, copied to
# the same paths under rootfs; a from-scratch image has no libc of its own.
copy_libraries() {
  local rootfs="$1" lib
  shift
  for lib in $(ldd "$@" 2>/dev/null | grep -oE '(=> )?/[^ ]+ \(0x' | sed -E 's/^=> //; s/ \(0x$//' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# base_files <rootfs> <uid> <user> <home>: /etc/passwd and /etc/group naming the image's user, an empty /tmp.
base_files() {
  local rootfs="$1" uid="$2" user="$3" home="$4"
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n%s:x:%s:%s::%s:/sbin/nologin\n' "$user" "$uid" "$uid" "$home" > "$rootfs/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$user" "$uid" > "$rootfs/etc/group"
}

# The JDK the operator's runtime comes from: OPERATOR_JDK (e.g. a JDK 25, which adds an AOT cache), else the JDK on
# the PATH (17). Java 17 is the default because it measured best for a long-running operator: Java 25 with its AOT
# cache starts a fifth faster, but its heap grew to a 50 % higher peak resident memory at 3,000 namespaces (420 vs
# 280 MiB, BENCHMARKS.md).
java_home() {
  if [[ -n "${OPERATOR_JDK:-}" ]]; then echo "$OPERATOR_JDK"; return; fi
  dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")"
}

java_runtime() {
  local java_home version key jre
  java_home="$(java_home)"
  version="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.runtime.version = //p')"
  [[ "${version%%.*}" -ge 17 ]] || { log "Java 17 or later is required for the operator's runtime, found $version at $java_home"; exit 1; }
  key="$(echo "$version $JAVA_MODULES" | sha256sum | cut -c1-12)"
  jre="$CACHE/jre-$version-$key"
  if [[ ! -x "$jre/bin/java" ]]; then
    log "jlink: a Java $version runtime with $JAVA_MODULES"
    rm -rf "$jre.tmp"
    # Java 17 links from jmods (Debian: openjdk-17-jdk-headless); Java 25 also from its own run-time image (JEP 493)
    # --compress: 1 (shared strings) on 17; from 21 on that level is deprecated and zip-6 is its replacement
    "$java_home/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress="$( ((${version%%.*} >= 21)) && echo zip-6 || echo 1)" --generate-cds-archive --output "$jre.tmp" >&2
    # the second class-data archive serves only heaps over 32 GiB
    rm -f "$jre.tmp/lib/server/classes_nocoops.jsa"
    mv "$jre.tmp" "$jre"
  fi
  echo "$jre"
}

max_ram() {
  local limit
  limit="$(awk '/^resources:/ {r = 1} r && /limits:/ {l = 1} r && l && /memory:/ {print $2; exit}' \
    "$ROOT/helm/agent-policy-operator/values.yaml")"
  echo "${limit%Mi}m"
}

# aot_cache <rootfs> <file>: the AOT cache of the image whose files are in rootfs, written to file. The training run
# (hack/aot-training.sh) runs the image's own java, JVM options and jars in a chroot of the image, with the times
# the image's layers give them (zero), as uid 185: the JVM uses a cache only when the runtime, the class path (paths,
# sizes, times) and the options are the ones it was made with. -XX:MaxRAM is the chart's memory limit, as the JVM
# sees it in the container. Needs root (chroot); without it the image has no cache and starts as on Java 17.
aot_cache() {
  local rootfs="$1" file="$2"
  if ((EUID != 0)); then
    log "no AOT cache: the training run needs root (a chroot of the image)"
    return
  fi
  find "$rootfs" -exec touch -h -d @0 {} +
  mkdir -p "$rootfs/proc" "$rootfs/dev"
  # unshare without --fork execs in the same process, so aot-training.sh's SIGTERM reaches the JVM
  "$HERE/aot-training.sh" "$rootfs/tmp/training.kubeconfig" -- unshare --mount sh -c \
    'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && KUBECONFIG=/tmp/training.kubeconfig \
       exec chroot --userspec=185:185 "$0" /opt/java/bin/java @/deployments/jvm.options -XX:MaxRAM="$1" \
       -XX:AOTCacheOutput=/tmp/operator.aot -jar /deployments/quarkus-run.jar' "$rootfs" "$(max_ram)"
  [[ -s "$rootfs/tmp/operator.aot" ]] || { log "the training run wrote no AOT cache"; exit 1; }
  cp "$rootfs/tmp/operator.aot" "$file"
}

operator() {
  local app="$ROOT/target/quarkus-app" jre version stage name archive entrypoint
  [[ -f "$app/quarkus-run.jar" ]] || { log "no $app: run ./mvnw package -DskipTests first"; exit 1; }
  version="$(basename "$(ls "$app"/app/agent-policy-operator-*.jar)" .jar)"
  version="${version#agent-policy-operator-}"
  jre="$(java_runtime)"
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/runtime/opt" "$stage/libraries/deployments" "$stage/application/deployments"
  cp -a "$jre" "$stage/runtime/opt/java"
  copy_libraries "$stage/runtime" "$jre/bin/java" $(find "$jre/lib" -name '*.so' | grep -vE "$DESKTOP_LIBRARIES")
  base_files "$stage/runtime" 185 operator /deployments
  # layers as in the Dockerfile: dependencies change less often than the application
  cp -a "$app/lib" "$stage/libraries/deployments/"
  cp -a "$app/quarkus-run.jar" "$app/app" "$app/quarkus" "$stage/application/deployments/"
  cp "$ROOT/src/main/docker/jvm.options" "$stage/application/deployments/"
  entrypoint='"/opt/java/bin/java", "@/deployments/jvm.options"'
  # MALLOC_ARENA_MAX=2 (below, as in the Dockerfile and the benchmark): glibc's malloc keeps at most two arenas instead
  # of one per thread that allocates natively, 8 MiB less resident memory at 3,000 namespaces (BENCHMARKS.md, §3)
  if [[ "$("$jre/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')" -ge 25 ]]; then
    mkdir -p "$stage/image"
    cp -a "$stage/runtime/." "$stage/libraries/." "$stage/application/." "$stage/image/"
    aot_cache "$stage/image" "$stage/application/deployments/operator.aot"
    rm -rf "$stage/image"
    # a cache that does not match (another runtime, class path or options) is ignored with a warning, never fatal
    [[ -f "$stage/application/deployments/operator.aot" ]] && entrypoint+=', "-XX:AOTCache=/deployments/operator.aot"'
  fi
  name="localhost/agentpolicy/agent-policy-operator:$version"
  archive="$CACHE/agent-policy-operator-$version.tar"
  "$HERE/oci-image.sh" --name "$name" --out "$archive" \
    --layer "$stage/runtime" --layer "$stage/libraries" --layer "$stage/application" \
    --entrypoint "[$entrypoint, \"-jar\", \"/deployments/quarkus-run.jar\"]" \
    --user 185:185 --workdir /deployments --env PATH=/opt/java/bin:/usr/bin:/bin --env JAVA_HOME=/opt/java \
    --env MALLOC_ARENA_MAX=2
  echo "NAME=$name"
  echo "ARCHIVE=$archive"
}

agent() {
  local claude version stage name archive
  claude="$("$HERE/claude-code.sh")" # exit 3: npm cannot reach the registry, passed on to the caller
  claude="$(readlink -f "$claude")"
  version="$("$claude" --version | cut -d' ' -f1)"
  # ldd fails on a static binary: only a static busybox runs in an image without its libraries
  [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 \
    || { log "a static /bin/busybox is needed for the agent image's shell (apt-get install busybox-static)"; exit 1; }
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/rootfs/usr/local/bin" "$stage/rootfs/bin" "$stage/rootfs/home/agent"
  cp "$claude" "$stage/rootfs/usr/local/bin/claude"
  copy_libraries "$stage/rootfs" "$claude"
  cp /bin/busybox "$stage/rootfs/bin/busybox"
  for applet in sh cat ls touch mkdir rm sleep env timeout head grep; do ln -s busybox "$stage/rootfs/bin/$applet"; done
  base_files "$stage/rootfs" 1000 agent /home/agent
  # layers hold root-owned files only (oci-image.sh); the home is writable by all, as /tmp is
  chmod 1777 "$stage/rootfs/home/agent"
  name="localhost/agentpolicy/claude-code:$version"
  archive="$CACHE/claude-code-$version.tar"
  "$HERE/oci-image.sh" --name "$name" --out "$archive" --layer "$stage/rootfs" \
    --entrypoint '["/usr/local/bin/claude"]' --user 1000:1000 --workdir /home/agent \
    --env PATH=/usr/local/bin:/bin --env HOME=/home/agent --env DISABLE_AUTOUPDATER=1 \
    --env CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
  echo "NAME=$name"
  echo "ARCHIVE=$archive"
}

case "${1:-}" in
  operator) operator ;;
  agent) agent ;;
  java-home) java_home ;;
  max-ram) max_ram ;;
  *) echo "usage: $0 operator|agent|java-home" >&2; exit 2 ;;
esac
