#!/usr/bin/env bash
# On a GPU machine, from a copy of the repository with .device/ (made by prepare.sh): unpacks
# Deno and node_modules, installs the Vulkan loader if missing, then (1) runs the WebGPU tests
# against the CPU provider with WEBGPU_REQUIRED=1 and (2) bench:train with --ep webgpu against
# PyTorch on CUDA for the two FCNs (more bench flags may follow, e.g. --only cifar_resnet18).
# Logs and out/bench/train-webgpu.json go to $OUT (default out/gpu).
set -uo pipefail
cd "$(dirname "$0")/../../.."
for f in .device/deno.xz .device/node_modules.tar.xz .device/libvulkan1_*.deb; do
  [ -f "$f" ] || { echo "Expected $f: run 'make gpu-bundle' first and carry .device" >&2; exit 2; }
done
out=${OUT:-out/gpu}
mkdir -p "$out"
bin=$(mktemp -d)
xz -dc .device/deno.xz >"$bin/deno" && chmod +x "$bin/deno" || { echo "Cannot unpack Deno" >&2; exit 1; }
export PATH="$bin:$PATH" DENO_DIR="$bin/deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
# the bundle's node_modules goes beside deno.json; the one there (if any) is kept aside
[ -e node_modules ] && mv node_modules "node_modules.before-gpu-run.$$"
tar -xJf .device/node_modules.tar.xz || { echo "Cannot unpack node_modules" >&2; exit 1; }
# grep without -q reads all of ldconfig's output (with -q, pipefail may see ldconfig's SIGPIPE)
if ! ldconfig -p | grep 'libvulkan.so.1 ' >/dev/null; then
  dpkg -x .device/libvulkan1_*.deb / && ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
# node_modules as unpacked, never a registry
flags=(-A --node-modules-dir=manual --frozen)
{
  date -u +%FT%TZ
  nvidia-smi -L 2>&1 || echo "no nvidia-smi"
  deno --version | head -1
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
} 2>&1 | tee "$out/machine.txt"
WEBGPU_REQUIRED=1 deno test "${flags[@]}" models/train/webgpu_test.ts 2>&1 |
  tee "$out/webgpu_test.log"
tests=${PIPESTATUS[0]}
deno run "${flags[@]}" models/train/bench_train.ts --ep webgpu --torch-device cuda \
  --only mnist_fcn_784-512x3-10 --only cifar_fcn_3072-2048-10 "$@" 2>&1 | tee "$out/bench.log"
bench=${PIPESTATUS[0]}
# a run of some models is kept under its date only (out/bench/runs/): the newest is this one's
latest=$(ls -t out/bench/runs/train-webgpu-*.json 2>/dev/null | head -1)
if [ "$bench" -eq 0 ] && [ -n "$latest" ]; then cp "$latest" "$out/train-webgpu.json"; fi
echo "webgpu tests exit $tests, bench exit $bench"
[ "$tests" -eq 0 ] && [ "$bench" -eq 0 ]
