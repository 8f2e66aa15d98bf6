#!/usr/bin/env bash
# Writes an OCI image archive from directories, without a container engine or a registry: each --layer
# directory becomes one uncompressed layer (files owned by root, times zeroed, names sorted, so the same
# input gives the same digest), under a config holding the entrypoint, user, working directory and
# environment. `ctr images import` (containerd) and `skopeo copy oci-archive:` read the result.
#
# Usage: hack/oci-image.sh --name REF --out FILE.tar --layer DIR [--layer DIR...]
#                          [--entrypoint JSON-ARRAY] [--cmd JSON-ARRAY] [--user UID:GID] [--workdir DIR] [--env K=V...]
# REF is a full reference, e.g. localhost/agent-policy-operator:0.1.0; the archive names it, so an import tags it.
set -euo pipefail

name="" out="" entrypoint="null" cmd="null" user="" workdir="/" layers=() envs=()
while (($#)); do
  case "$1" in
    --name) name="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --layer) layers+=("$2"); shift 2 ;;
    --entrypoint) entrypoint="$2"; shift 2 ;;
    --cmd) cmd="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    *) echo "oci-image.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$name" && -n "$out" && ${#layers[@]} -gt 0 ]] || { echo "oci-image.sh: --name, --out and --layer are required" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
blobs="$work/blobs/sha256"
mkdir -p "$blobs"

# blob <file>: moves the file into the blob store under its digest and prints "<digest> <size>"
blob() {
  local digest size
  digest="$(sha256sum "$1" | cut -d' ' -f1)"
  size="$(stat -c %s "$1")"
  mv "$1" "$blobs/$digest"
  echo "$digest $size"
}

json_string() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

layer_descriptors="" diff_ids=""
for dir in "${layers[@]}"; do
  [[ -d "$dir" ]] || { echo "oci-image.sh: no directory $dir" >&2; exit 2; }
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$dir" -cf "$work/layer.tar" .
  read -r digest size < <(blob "$work/layer.tar")
  layer_descriptors+="${layer_descriptors:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$digest\",\"size\":$size}"
  diff_ids+="${diff_ids:+,}\"sha256:$digest\""
done

env_json=""
for e in "${envs[@]}"; do env_json+="${env_json:+,}$(json_string "$e")"; done
printf '{"architecture":"amd64","os":"linux","config":{"User":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":%s,"Env":[%s]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
  "$(json_string "$user")" "$entrypoint" "$cmd" "$(json_string "$workdir")" "$env_json" "$diff_ids" > "$work/config.json"
read -r config_digest config_size < <(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
  "$config_digest" "$config_size" "$layer_descriptors" > "$work/manifest.json"
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":%s,"org.opencontainers.image.ref.name":%s}}]}' \
  "$manifest_digest" "$manifest_size" "$(json_string "$name")" "$(json_string "${name##*:}")" > "$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"

mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf "$out.tmp" oci-layout index.json blobs
mv "$out.tmp" "$out"
echo "[oci-image] $name -> $out ($(du -h "$out" | cut -f1), manifest sha256:$manifest_digest)" >&2
