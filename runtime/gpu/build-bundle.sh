#!/usr/bin/env bash
# Builds runtime/gpu/bundle/: everything runtime/gpu-check.sh needs on a GPU machine that has no
# registry access and none of this repository's build outputs (no dist/, no node_modules/), in
# well under 64 MiB (DESIGN.md, "Practical notes"):
#
#   node.xz                      this machine's Node binary (process.execPath), xz-compressed
#   app/dist/bundle/trainplan.js the CLI, bundled by esbuild from the TypeScript sources
#   app/dist/bundle/worker.js    the runtime's worker-thread entry (runtime/pool.ts loads
#                                `worker.js` next to the code that starts the pool)
#   app/scenarios/models/mini-owt.json
#                                (runtime/paths.ts: REPO_ROOT is two folders above the bundle)
#   app/node_modules/            the packages kept external, pruned (ship-packages.js):
#                                tfjs-core and the cpu/wasm/webgpu backends (node builds, .wasm),
#                                piscina, webgpu (index.js; dawn.node as dawn.node.xz)
#   app/probe-adapter.mjs, app/summarize.js
#   vulkan/libvulkan.so.1        the Vulkan loader, from Debian's libvulkan1 .deb (Dawn needs it;
#                                the GPU machine has the NVIDIA driver's ICD, maybe no loader)
#   tools/xz, tools/liblzma.so.5 an xz for machines without one
#   MANIFEST.txt                 what went in, versions and sizes
#
# Kept external (not bundled): @tensorflow/* (the backends must share one tfjs-core instance),
# webgpu (native addon, ESM), piscina (its worker script is loaded by file name). Also external and
# NOT shipped: @aws-sdk/*, s3rver (only --transport s3 loads them; the GPU check does not). The
# bundle serves inspect/simulate/run/calibrate/validate; not `tune` (the tuner's pool also looks for
# a `worker.js` next to its code and would find the runtime's).
#
# usage (from anywhere, after npm install): runtime/gpu/build-bundle.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUNDLE=runtime/gpu/bundle
APP=$BUNDLE/app
ESBUILD=node_modules/.bin/esbuild
NODE_BIN=$(node -p process.execPath)
# Cap on the bundle: the device tool carries at most 64 MiB of ignored paths in all.
LIMIT_BYTES=$((60 * 1024 * 1024))

say() { echo "[build-bundle] $*"; }

[ -x "$ESBUILD" ] || { echo "esbuild is missing: run npm install (it is a devDependency)" >&2; exit 1; }
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "node_modules/webgpu/dist/linux-x64/dawn.node is missing: npm install" >&2; exit 1; }
command -v xz >/dev/null || { echo "xz is needed to build the bundle (apt-get install xz-utils)" >&2; exit 1; }

mkdir -p "$BUNDLE"
rm -rf "$APP" "$BUNDLE/vulkan" "$BUNDLE/tools" "$BUNDLE/MANIFEST.txt"

# --- xz-compressed binaries, reused while their source is unchanged (xz -9 of node takes a minute)
compress() { # compress <source> <destination.xz>
  local src=$1 dst=$2 stamp
  stamp="$(readlink -f "$src") $(stat -c '%s %Y' "$(readlink -f "$src")")"
  if [ -f "$dst" ] && [ -f "$dst.source" ] && [ "$(cat "$dst.source")" = "$stamp" ]; then
    say "reusing $dst"
  else
    say "compressing $src -> $dst"
    mkdir -p "$(dirname "$dst")"
    xz -9 -T0 -c "$src" > "$dst.tmp" && mv "$dst.tmp" "$dst"
    echo "$stamp" > "$dst.source"
  fi
}
compress "$NODE_BIN" "$BUNDLE/node.xz"
compress node_modules/webgpu/dist/linux-x64/dawn.node "$BUNDLE/dawn.node.xz"

# --- the JavaScript: CLI and worker entry, bundled from the TypeScript sources (esbuild strips the
# types without checking them, so a tree that type-checks with errors elsewhere still bundles)
say "bundling the CLI and the worker entry with esbuild $("$ESBUILD" --version)"
COMMON=(--bundle --platform=node --target=node20 --format=cjs --log-level=warning --legal-comments=none
  --external:@tensorflow/* --external:webgpu --external:piscina --external:@aws-sdk/* --external:s3rver)
echo "require('./cli/main').main(process.argv).then((code) => { process.exitCode = code; });" |
  "$ESBUILD" "${COMMON[@]}" --sourcefile=trainplan.js --outfile="$APP/dist/bundle/trainplan.js"
"$ESBUILD" "${COMMON[@]}" runtime/worker.ts --outfile="$APP/dist/bundle/worker.js"

mkdir -p "$APP/scenarios/models"
cp scenarios/models/mini-owt.json "$APP/scenarios/models/"
cp runtime/gpu/probe-adapter.mjs runtime/gpu/summarize.js "$APP/"

say "shipping the external packages"
PACKAGES=$(node runtime/gpu/ship-packages.js "$ROOT" "$APP/node_modules")
echo "$PACKAGES"

# --- the Vulkan loader: Debian's libvulkan1, unpacked (no symbolic links in the bundle)
DEB=$(ls /tmp/libvulkan1_*_amd64.deb 2>/dev/null | head -n 1 || true)
if [ -z "$DEB" ]; then
  say "downloading libvulkan1 with apt-get download"
  (cd /tmp && apt-get download libvulkan1 >/dev/null)
  DEB=$(ls /tmp/libvulkan1_*_amd64.deb | head -n 1)
fi
UNPACK=$(mktemp -d)
trap 'rm -rf "$UNPACK"' EXIT
dpkg-deb -x "$DEB" "$UNPACK"
mkdir -p "$BUNDLE/vulkan"
cp -L "$(find "$UNPACK" -name 'libvulkan.so.1' | head -n 1)" "$BUNDLE/vulkan/libvulkan.so.1"

# --- an xz for the device, in case it has none (dynamically linked against glibc and liblzma)
mkdir -p "$BUNDLE/tools"
cp -L "$(command -v xz)" "$BUNDLE/tools/xz"
cp -L "$(ldd "$(command -v xz)" | awk '/liblzma/ { print $3 }')" "$BUNDLE/tools/liblzma.so.5"

# --- manifest and size
{
  echo "trainplan GPU bundle, built $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "node $("$NODE_BIN" --version) ($NODE_BIN), esbuild $("$ESBUILD" --version)"
  echo "libvulkan1: $(basename "$DEB")"
  echo "packages:"
  echo "$PACKAGES"
  echo "files:"
  (cd "$BUNDLE" && find . -type f ! -name '*.source' -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{ printf "  %10d  %s\n", $1, $2 }')
} > "$BUNDLE/MANIFEST.txt"

BYTES=$(find "$BUNDLE" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
say "bundle: $BUNDLE, $(find "$BUNDLE" -type f | wc -l) files, $BYTES bytes ($(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"
(cd "$BUNDLE" && du -sh --apparent-size node.xz dawn.node.xz app vulkan tools | sed 's/^/[build-bundle]   /')
if [ "$BYTES" -gt "$LIMIT_BYTES" ]; then
  echo "the bundle is over $((LIMIT_BYTES / 1048576)) MiB: the device tool carries at most 64 MiB" >&2
  exit 1
fi
