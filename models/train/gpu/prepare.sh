#!/usr/bin/env bash
# Packs what a GPU machine needs to run models/train/gpu/run.sh with nothing to download there
# (see ../shared/device/NOTES.md): the pinned Deno binary, node_modules without TF.js and with
# only onnxruntime-node's linux/x64 libraries, and Debian's Vulkan loader, all in .device/
# (git-ignored; about 53 MB). Run it from a machine with Node.js,
# npm and apt; then carry .device along with the tree and run models/train/gpu/run.sh there.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=$(sed -n 's/^DENO_VERSION := //p' Makefile)
deno_bin=$(npx --yes "deno@$version" eval 'console.log(Deno.execPath())')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bundle" "$tmp/project"
echo "deno $version: $deno_bin"
xz -T0 -6 -c "$deno_bin" >"$tmp/bundle/deno.xz"
cp deno.json deno.lock "$tmp/project/"
(cd "$tmp/project" && "$deno_bin" install --node-modules-dir=auto --frozen --quiet)
# TF.js is the CPU bench's alternative only; TypeScript normalises code for the pipeline's cache
# keys, which run.sh does not plan; onnxruntime-node ships every platform's libraries
rm -rf "$tmp"/project/node_modules/.deno/@tensorflow+* "$tmp"/project/node_modules/.deno/typescript@*
for d in "$tmp"/project/node_modules/.deno/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v6; do
  find "$d" -mindepth 2 -maxdepth 2 -type d ! -path "*/linux/x64" -exec rm -rf {} +
done
tar -C "$tmp/project" -cf - node_modules | xz -T0 -6 >"$tmp/bundle/node_modules.tar.xz"
(cd "$tmp/bundle" && apt-get download libvulkan1 >/dev/null)
rm -rf .device
mv "$tmp/bundle" .device
du -sh .device/*
