#!/usr/bin/env bash
# The runtime on a GPU: run ON a machine with an NVIDIA GPU and no registry access, from the
# repository root, with runtime/gpu/bundle/ (built by runtime/gpu/build-bundle.sh on a machine that
# has npm) beside it. Needs nothing else from the repository: no dist/, no node_modules/, no Node.
#
#   1. unpacks the bundle's Node binary and Dawn's dawn.node into a temporary folder;
#   2. prints what the machine has: nvidia-smi -L, the Vulkan ICD files and whether each one's
#      driver library can be found, the GPU/Vulkan libraries ldconfig knows;
#   3. asks Dawn for a WebGPU adapter (runtime/gpu/probe-adapter.mjs) with the bundle's Vulkan
#      loader on LD_LIBRARY_PATH (or the machine's own, if it has one) and prints its name;
#   4. with an adapter: `trainplan calibrate --backend webgpu --workers 1` and
#      `trainplan validate --backend webgpu --workers 1 --strategies single` (on that calibration);
#   5. without one (or if the webgpu runs fail) it says so with Dawn's error, then runs the same
#      two commands on the wasm backend, labelled as a CPU fallback: proof that the runtime runs
#      there, not a GPU measurement (after a webgpu success, the same runs on wasm are a baseline);
#   6. prints a summary per backend: backend that ran, adapter, achieved FLOP/s per layer type,
#      validate's predicted and measured step times and the error.
#
# Outputs go to $OUT (or a new /tmp/trainplan-gpu-check.* when OUT is unset): gpu-check.log (all of
# the above), probe.json/probe.stderr, gpu.json (the webgpu hardware file), calibrate-*.txt,
# validate-*.json, wasm.json, summary.jsonl. Each command runs under a timeout so that the whole
# script ends within about 4 minutes even if webgpu hangs; with no adapter, in well under a minute.
#
# Environment: OUT (output folder), GPU_CHECK_BUNDLE (bundle folder, default runtime/gpu/bundle),
# GPU_CHECK_STEPS (validate's steps per run, default 5), GPU_CHECK_WASM=never (after a webgpu
# success, skip the wasm baseline that otherwise runs when under 150 s have passed),
# GPU_CHECK_DAWN_FLAGS (Dawn toggles for the probe only, space-separated, e.g. "backend=vulkan"),
# GPU_CHECK_KEEP=1 (keep the temporary folder).
#
# Exit status: 0 when webgpu or the wasm fallback ran calibrate and validate, 1 otherwise.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE=${GPU_CHECK_BUNDLE:-$ROOT/runtime/gpu/bundle}
STEPS=${GPU_CHECK_STEPS:-5}
if [ -n "${OUT:-}" ]; then OUTDIR=$OUT; else OUTDIR=$(mktemp -d /tmp/trainplan-gpu-check.XXXXXX); fi
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trainplan-gpu.XXXXXX")
# Everything printed also goes to $OUTDIR/gpu-check.log.
exec > >(tee "$OUTDIR/gpu-check.log") 2>&1
TEE_PID=$!
cleanup() {
  [ "${GPU_CHECK_KEEP:-}" = 1 ] || rm -rf "$WORK"
  exec >&- 2>&-   # let tee finish writing before the script ends
  wait "$TEE_PID" 2>/dev/null
}
trap cleanup EXIT
export NODE_NO_WARNINGS=1 # Node's ExperimentalWarning for require() of the ESM webgpu package

say() { echo "[gpu-check +${SECONDS}s] $*"; }
section() { echo; echo "=== $* ==="; }
indent() { sed 's/^/    /'; }
# Seconds left of the ~4-minute budget for a command, at most $1 and at least 20.
budget() { local left=$((225 - SECONDS)); [ "$left" -gt "$1" ] && left=$1; [ "$left" -lt 20 ] && left=20; echo "$left"; }

section "trainplan GPU check"
say "repository: $ROOT"
say "outputs:    $OUTDIR"
[ -f "$BUNDLE/node.xz" ] && [ -d "$BUNDLE/app" ] || {
  say "FAILED: no bundle at $BUNDLE: build it with runtime/gpu/build-bundle.sh where npm works, and carry runtime/gpu/bundle"
  exit 1
}
head -n 2 "$BUNDLE/MANIFEST.txt" 2>/dev/null | indent

# --- 1. unpack ------------------------------------------------------------------------------------
section "unpacking the bundle into $WORK"
if command -v xz >/dev/null; then XZ=(xz)
else
  # The bundle's xz, started through the dynamic loader (works even if the copy lost its x bit).
  XZ=(/lib64/ld-linux-x86-64.so.2 --library-path "$BUNDLE/tools" "$BUNDLE/tools/xz")
  say "no xz on this machine: using the bundle's"
fi
cp -r "$BUNDLE/app" "$WORK/app"
mkdir -p "$WORK/app/node_modules/webgpu/dist/linux-x64"
"${XZ[@]}" -dc "$BUNDLE/node.xz" > "$WORK/node" &&
  "${XZ[@]}" -dc "$BUNDLE/dawn.node.xz" > "$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node" || {
  say "FAILED: could not decompress the bundle's node/dawn.node"
  exit 1
}
chmod +x "$WORK/node"
NODE=$WORK/node
TRAINPLAN=("$NODE" "$WORK/app/dist/bundle/trainplan.js")
say "node $("$NODE" --version), $(nproc) CPU cores, $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r)"

# --- 2. what the machine has ----------------------------------------------------------------------
section "GPU and Vulkan on this machine"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi -L 2>&1 | indent
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/    driver: /'
else
  echo "    nvidia-smi: not found"
fi
env | grep -E '^(NVIDIA_|VK_|__EGL|__GLX)' | sort | sed 's/^/    env: /'
LDCONFIG=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
echo "    ldconfig -p | grep -i -E 'nvidia|vulkan':"
echo "$LDCONFIG" | grep -i -E 'nvidia|vulkan' | head -n 40 | indent | indent
[ -n "$(echo "$LDCONFIG" | grep -i -E 'nvidia|vulkan')" ] || echo "        (none)"

EXTRA_LIB_DIRS=()
# The loader's default folders, and the files VK_DRIVER_FILES / VK_ICD_FILENAMES name instead.
ICD_FILES=$( (ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null
  echo "${VK_DRIVER_FILES:-}:${VK_ICD_FILENAMES:-}" | tr ':' '\n') | grep -v '^$' | sort -u)
echo "    Vulkan ICD files (/usr/share/vulkan/icd.d, /etc/vulkan/icd.d, /usr/local/share/vulkan/icd.d, \$VK_DRIVER_FILES, \$VK_ICD_FILENAMES):"
[ -n "$ICD_FILES" ] || echo "        (none: no Vulkan driver is registered)"
ICD_MISSING=0
for f in $ICD_FILES; do
  lib=$(grep -o '"library_path"[^,}]*' "$f" | sed 's/.*: *"\(.*\)"/\1/')
  if [[ "$lib" == /* ]]; then
    [ -e "$lib" ] && found="present" || found="MISSING"
  elif echo "$LDCONFIG" | grep -q -F "$lib"; then
    found="found by ldconfig: $(echo "$LDCONFIG" | grep -F "$lib" | head -n 1 | sed 's/.*=> //')"
  else
    # The driver's Vulkan library may sit outside the loader's search path: look for it.
    hit=$(timeout 20 find /usr /lib /lib64 /opt /run /usr/local -maxdepth 6 -name "$(basename "$lib")" 2>/dev/null | head -n 1)
    if [ -n "$hit" ]; then found="not known to ldconfig, but at $hit: added to LD_LIBRARY_PATH"; EXTRA_LIB_DIRS+=("$(dirname "$hit")")
    else found="MISSING (not known to ldconfig, not under /usr /lib /lib64 /opt /run)"; fi
  fi
  [ -f "$f" ] || found="(the file itself is missing)"
  [[ "$found" == MISSING* ]] && ICD_MISSING=1
  echo "        $f: library_path $lib — $found"
done
# NVIDIA's container runtime mounts the driver's Vulkan/GL libraries only with the `graphics` capability.
if [ "$ICD_MISSING" = 1 ] && [ -n "${NVIDIA_DRIVER_CAPABILITIES:-}" ] && [[ ! "$NVIDIA_DRIVER_CAPABILITIES" =~ (graphics|all) ]]; then
  echo "    note: NVIDIA_DRIVER_CAPABILITIES=$NVIDIA_DRIVER_CAPABILITIES has no 'graphics': the NVIDIA container runtime then"
  echo "          mounts the CUDA libraries but not the driver's Vulkan ones (libGLX_nvidia.so.0, libnvidia-glcore, ...);"
  echo "          Vulkan/WebGPU needs the container started with graphics (or all) among the capabilities"
fi

# The Vulkan loader: the machine's own if it has one, else the bundle's (Debian's libvulkan1).
if echo "$LDCONFIG" | grep -q 'libvulkan.so.1 '; then
  say "Vulkan loader: the machine's ($(echo "$LDCONFIG" | grep 'libvulkan.so.1 ' | head -n 1 | sed 's/.*=> //'))"
  VK_DIRS=""
else
  say "Vulkan loader: the bundle's libvulkan.so.1 (this machine has none)"
  VK_DIRS=$BUNDLE/vulkan
fi
LIBPATH=$(IFS=:; echo "${VK_DIRS:+$VK_DIRS:}${EXTRA_LIB_DIRS[*]:+${EXTRA_LIB_DIRS[*]}:}${LD_LIBRARY_PATH:-}")
export LD_LIBRARY_PATH=${LIBPATH%:}
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

# --- 3. the adapter -------------------------------------------------------------------------------
section "WebGPU adapter (Dawn, the webgpu package)"
(cd "$WORK/app" && timeout -k 5 60 "$NODE" probe-adapter.mjs > "$OUTDIR/probe.json" 2> "$OUTDIR/probe.stderr")
PROBE_RC=$?
ADAPTER_OK=0
if [ "$PROBE_RC" -eq 0 ] && grep -q '"ok":true' "$OUTDIR/probe.json"; then
  ADAPTER_OK=1
  ADAPTER_NAME=$("$NODE" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).name)' "$OUTDIR/probe.json")
  say "adapter: $ADAPTER_NAME"
  indent < "$OUTDIR/probe.json"
  [ -s "$OUTDIR/probe.stderr" ] && { echo "    Dawn says:"; head -n 20 "$OUTDIR/probe.stderr" | indent | indent; }
else
  DAWN_ERROR=$(grep -v -E '^\s+at ' "$OUTDIR/probe.stderr" | grep -v ExperimentalWarning | head -n 5 | tr '\n' ' ' | sed 's/ *$//')
  [ "$PROBE_RC" -ge 124 ] && DAWN_ERROR="the probe timed out after 60 s. $DAWN_ERROR"
  say "NO WEBGPU ADAPTER: ${DAWN_ERROR:-$(cat "$OUTDIR/probe.json")}"
  echo "    probe: $(cat "$OUTDIR/probe.json" 2>/dev/null)"
  echo "    Dawn's messages (stderr):"
  indent < "$OUTDIR/probe.stderr" | indent | head -n 20
  echo "    the Vulkan loader's account (VK_LOADER_DEBUG=error,warn,driver):"
  (cd "$WORK/app" && VK_LOADER_DEBUG=error,warn,driver timeout -k 5 60 "$NODE" probe-adapter.mjs 2>&1 >/dev/null) |
    grep -v -E '^\s+at |ExperimentalWarning' | awk '!seen[$0]++' | head -n 40 | indent | indent
  echo "    the runtime's own verdict (trainplan calibrate --backend webgpu):"
  timeout -k 5 60 "${TRAINPLAN[@]}" calibrate --backend webgpu --workers 1 --out "$WORK/webgpu-none.json" 2>&1 |
    grep -v -E '^\s+at ' | awk '!seen[$0]++' | head -n 8 | indent | indent
fi

# --- 4/5. calibrate and validate ------------------------------------------------------------------
# run_backend <backend> <hardware file> <label>: calibrate, then validate on that calibration.
run_backend() {
  local backend=$1 hw=$2 label=$3 t rc
  section "$label"
  t=$(budget 90)
  say "trainplan calibrate --backend $backend --workers 1 --out $hw   (timeout ${t}s)"
  timeout -k 5 "$t" "${TRAINPLAN[@]}" calibrate --backend "$backend" --workers 1 --out "$hw" \
    > "$OUTDIR/calibrate-$backend.txt" 2> "$OUTDIR/calibrate-$backend.stderr"
  rc=$?
  indent < "$OUTDIR/calibrate-$backend.txt"
  if [ "$rc" -ne 0 ] || [ ! -s "$hw" ]; then
    say "calibrate with $backend FAILED (exit $rc$([ "$rc" -ge 124 ] && echo ': timed out')); its stderr:"
    grep -v ExperimentalWarning "$OUTDIR/calibrate-$backend.stderr" | tail -n 25 | indent
    return 1
  fi
  t=$(budget 70)
  say "trainplan validate --backend $backend --workers 1 --strategies single --bandwidths memory --steps $STEPS --hardware $hw --json   (timeout ${t}s)"
  timeout -k 5 "$t" "${TRAINPLAN[@]}" validate --backend "$backend" --workers 1 --strategies single --bandwidths memory \
    --steps "$STEPS" --hardware "$hw" --json > "$OUTDIR/validate-$backend.json" 2> "$OUTDIR/validate-$backend.stderr"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    say "validate with $backend FAILED (exit $rc$([ "$rc" -ge 124 ] && echo ': timed out')); its stderr:"
    grep -v ExperimentalWarning "$OUTDIR/validate-$backend.stderr" | tail -n 25 | indent
    return 1
  fi
  say "validate with $backend done"
  if [ "$backend" = webgpu ] && grep -q -v -E 'ExperimentalWarning|^\s*$' "$OUTDIR/calibrate-$backend.stderr" "$OUTDIR/validate-$backend.stderr"; then
    echo "    messages on stderr (first 15):"
    cat "$OUTDIR/calibrate-$backend.stderr" "$OUTDIR/validate-$backend.stderr" | grep -v -E 'ExperimentalWarning|^\s*$' | head -n 15 | indent | indent
  fi
  return 0
}

summarize() { # summarize <backend> <hardware file> <label> [probe file]
  "$NODE" "$WORK/app/summarize.js" --label "$3" --hardware "$2" --calibrate-table "$OUTDIR/calibrate-$1.txt" \
    --validate "$OUTDIR/validate-$1.json" ${4:+--probe "$4"} --json-out "$OUTDIR/summary.jsonl"
}

: > "$OUTDIR/summary.jsonl"
WEBGPU_OK=0 WASM_OK=0 WASM_RAN=0
if [ "$ADAPTER_OK" = 1 ]; then
  run_backend webgpu "$OUTDIR/gpu.json" "webgpu on $ADAPTER_NAME" && WEBGPU_OK=1
fi
# wasm: the fallback when webgpu did not run; after a webgpu success, a CPU baseline while time allows.
if [ "$WEBGPU_OK" = 0 ] || { [ "${GPU_CHECK_WASM:-}" != never ] && [ "$SECONDS" -lt 150 ]; }; then
  if [ "$WEBGPU_OK" = 1 ]; then LABEL="wasm (CPU) baseline on the same machine"
  elif [ "$ADAPTER_OK" = 1 ]; then LABEL="FALLBACK: wasm (CPU), because the webgpu runs failed: proves the runtime runs here, NOT a GPU measurement"
  else LABEL="FALLBACK: wasm (CPU), because there is no WebGPU adapter: proves the runtime runs here, NOT a GPU measurement"; fi
  WASM_RAN=1
  run_backend wasm "$OUTDIR/wasm.json" "$LABEL" && WASM_OK=1
fi

# --- 6. summary -----------------------------------------------------------------------------------
section "summary"
if [ "$ADAPTER_OK" = 1 ]; then
  summarize webgpu "$OUTDIR/gpu.json" "webgpu (GPU)" "$OUTDIR/probe.json"
  echo
fi
[ "$WASM_RAN" = 1 ] && summarize wasm "$OUTDIR/wasm.json" "$LABEL"
echo
if [ "$WEBGPU_OK" = 1 ]; then
  say "RESULT: the webgpu backend ran calibrate and validate on $ADAPTER_NAME"
elif [ "$ADAPTER_OK" = 1 ]; then
  say "RESULT: WebGPU adapter $ADAPTER_NAME found, but the webgpu runs FAILED (see above); wasm fallback $([ "$WASM_OK" = 1 ] && echo ran || echo FAILED too)"
else
  say "RESULT: no webgpu adapter (${DAWN_ERROR:-see the probe above}); wasm fallback $([ "$WASM_OK" = 1 ] && echo 'ran calibrate and validate: the runtime runs on this machine' || echo FAILED too)"
fi
say "outputs in $OUTDIR: $(cd "$OUTDIR" && ls | tr '\n' ' ')"
[ "$WEBGPU_OK" = 1 ] || [ "$WASM_OK" = 1 ]
