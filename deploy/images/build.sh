#!/usr/bin/env bash
# Builds the CHAOS images without a Docker daemon, as OCI archives, from the same Dockerfiles users build elsewhere:
#   1. `dotnet publish` on this machine            (the Dockerfile's "build" stage),
#   2. a Debian root filesystem from mmdebstrap with this machine's ASP.NET Core runtime, a non-root "app" user
#      (uid 1654) and the Dockerfile's RUNTIME_PACKAGES (the twin of `FROM mcr.microsoft.com/dotnet/aspnet`),
#   3. buildah (vfs storage, chroot isolation) runs the Dockerfile's "runtime" stage on top of it, FROM scratch:
#      every line below `FROM ... AS runtime` is used as written, except the apt-get line (step 2 did it) and
#      `COPY --from=build`, which copies step 1's output.
# Usage:   deploy/images/build.sh [api] [silo]          (default: both)
#          deploy/images/build.sh --print-containerfile api|silo   (the twin, as built; the tests check it)
# Output:  deploy/images/out/chaos-KIND.oci.tar         (load with: skopeo copy oci-archive:FILE docker-daemon:chaos-KIND:dev,
#                                                        or podman load -i FILE)
# Needs:   root, dotnet, `apt-get install mmdebstrap buildah`.
# Env:     CHAOS_IMAGE_TAG (dev), CHAOS_IMAGE_OUT (deploy/images/out), CHAOS_DEBIAN_SUITE (bookworm),
#          CHAOS_IMAGE_FORMAT (oci | docker: docker keeps the HEALTHCHECK, which the OCI format has no field for).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${CHAOS_IMAGE_OUT:-$here/out}
tag=${CHAOS_IMAGE_TAG:-dev}
suite=${CHAOS_DEBIAN_SUITE:-bookworm}
format=${CHAOS_IMAGE_FORMAT:-oci}

# The FROM-scratch twin of a Dockerfile's runtime stage: every line below `FROM ... AS runtime` as written, except the
# apt-get line (the root filesystem has those packages) and `COPY --from=build`, which copies the local publish output.
containerfile() {
  awk '
    /^FROM .* AS runtime$/ { on = 1; print "FROM scratch"; print "ADD rootfs.tar /"; next }
    !on { next }
    /^ARG RUNTIME_PACKAGES=/ || /^RUN apt-get / { next }
    /^COPY --from=build / { sub(/--from=build /, ""); sub(/ \/app \/app$/, " publish /app") }
    { print }' "$here/$1.Dockerfile"
}
if [[ "${1:-}" == --print-containerfile ]]; then
  containerfile "${2:?usage: build.sh --print-containerfile api|silo}"
  exit 0
fi

kinds=("$@")
((${#kinds[@]})) || kinds=(api silo)

for tool in dotnet mmdebstrap buildah; do
  command -v "$tool" >/dev/null || { echo "build.sh needs $tool (apt-get install mmdebstrap buildah; the .NET 10 SDK)" >&2; exit 1; }
done
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
[[ -d "$dotnet_root/shared/Microsoft.AspNetCore.App" ]] || { echo "no ASP.NET Core runtime under $dotnet_root" >&2; exit 1; }
buildah_args=(--storage-driver vfs --root "$out/storage" --runroot "$out/run")
mkdir -p "$out"

packages_of() { sed -nE 's/^ARG RUNTIME_PACKAGES="([^"]*)".*/\1/p' "$here/$1.Dockerfile"; }
project_of() { sed -nE 's/^RUN dotnet publish ([^ ]+) .*/\1/p' "$here/$1.Dockerfile"; }

# The root filesystem is shared by both kinds: it holds the union of their packages.
packages="ca-certificates tzdata libssl3 libstdc++6 libgcc-s1"
for kind in "${kinds[@]}"; do packages="$packages $(packages_of "$kind")"; done
packages=$(tr ' ' '\n' <<<"$packages" | sed '/^$/d' | sort -u | paste -sd, -)
rootfs="$out/rootfs-$suite.tar"
if [[ ! -s "$rootfs" || "$(cat "$rootfs.packages" 2>/dev/null)" != "$packages" ]]; then
  echo "== mmdebstrap $suite minbase + $packages + ASP.NET Core runtime from $dotnet_root"
  mmdebstrap --variant=minbase --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="mkdir -p \"\$1/usr/share/dotnet\" && cp -a '$dotnet_root/dotnet' '$dotnet_root/host' \"\$1/usr/share/dotnet/\" && mkdir -p \"\$1/usr/share/dotnet/shared\" && cp -a '$dotnet_root/shared/Microsoft.NETCore.App' '$dotnet_root/shared/Microsoft.AspNetCore.App' \"\$1/usr/share/dotnet/shared/\" && ln -sf /usr/share/dotnet/dotnet \"\$1/usr/bin/dotnet\"" \
    --customize-hook='chroot "$1" groupadd --gid 1654 app && chroot "$1" useradd --uid 1654 --gid 1654 --create-home --home-dir /home/app --shell /usr/sbin/nologin app' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
    "$suite" "$out/rootfs-partial.tar"
  mv "$out/rootfs-partial.tar" "$rootfs"
  echo "$packages" >"$rootfs.packages"
fi

for kind in "${kinds[@]}"; do
  ctx="$out/$kind"
  rm -rf "$ctx" && mkdir -p "$ctx"
  echo "== dotnet publish $(project_of "$kind")"
  dotnet publish "$root/$(project_of "$kind")" -c Release -o "$ctx/publish" -p:UseAppHost=false --nologo -v quiet
  ln "$rootfs" "$ctx/rootfs.tar" 2>/dev/null || cp "$rootfs" "$ctx/rootfs.tar"
  containerfile "$kind" >"$ctx/Containerfile"
  echo "== buildah bud chaos-$kind:$tag"
  buildah "${buildah_args[@]}" bud --isolation chroot --format "$format" --layers=false \
    -f "$ctx/Containerfile" -t "localhost/chaos-$kind:$tag" "$ctx"
  archive="$out/chaos-$kind.$format.tar"
  rm -f "$archive"
  if [[ "$format" == docker ]]; then
    buildah "${buildah_args[@]}" push "localhost/chaos-$kind:$tag" "docker-archive:$archive:chaos-$kind:$tag"
  else
    buildah "${buildah_args[@]}" push "localhost/chaos-$kind:$tag" "oci-archive:$archive:chaos-$kind:$tag"
  fi
  size=$(buildah "${buildah_args[@]}" images --format "{{.Size}}" "localhost/chaos-$kind:$tag")
  echo "== chaos-$kind:$tag: image $size, archive $(du -h "$archive" | cut -f1) at $archive"
done
