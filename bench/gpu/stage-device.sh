#!/bin/sh
# Prepares .gpu-chromium/ and .gpu-pack/ (git-ignored) for the lent GPU machine, which has Python but neither Node
# nor Chromium and cannot fetch anything: the bench page packed for bench/gpu/run.py, and Debian's
# chromium-headless-shell with the few chromium-common files it reads and the shared libraries it
# links, in a private folder (run with LD_LIBRARY_PATH; nothing is unpacked onto /).
# Run here, in the repo root, on this Debian machine:   sh bench/gpu/stage-device.sh
# Then the two device calls in bench/gpu/README.md (a call carries at most 64 MiB with the working
# tree; the headless shell and its libraries compress to 65.5 MB, so they travel in two parts).
set -eu
ROOT=$(pwd)
PACK="$ROOT/.gpu-pack"
CHROME="$ROOT/.gpu-chromium"
WORK=$(mktemp -d)
for d in /.gpu-pack/ /.gpu-chromium/; do grep -qx "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude; done
rm -rf "$PACK" "$CHROME" && mkdir -p "$PACK" "$CHROME"

node bench/gpu.mjs --pack "$WORK/pack" >/dev/null
tar cJf "$PACK/pack.tar.xz" -C "$WORK" pack

cd "$WORK"
apt-get download chromium-headless-shell chromium-common >/dev/null 2>&1
for f in chromium-headless-shell_*.deb chromium-common_*.deb; do dpkg -x "$f" x; done
mkdir -p chromium/lib
for f in chromium-headless-shell headless_lib_data.pak headless_lib_strings.pak headless_command_resources.pak \
         icudtl.dat v8_context_snapshot.bin snapshot_blob.bin libvulkan.so.1 libEGL.so libGLESv2.so; do
  cp "x/usr/lib/chromium/$f" chromium/
done
# The libraries it links, minus glibc's own (the device has those).
pkgs=""
for so in $(objdump -p chromium/chromium-headless-shell | awk '/NEEDED/ {print $2}'); do
  case "$so" in libc.so*|libm.so*|ld-linux*|libgcc_s*|libz.so*) continue;; esac
  path=$(ldconfig -p | awk -v s="$so" '$1 == s && /x86-64/ {print $NF; exit}')
  [ -n "$path" ] || { echo "no $so on this machine: install chromium-headless-shell here first" >&2; exit 1; }
  pkgs="$pkgs $(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)"
done
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u)
mkdir -p libdebs && (cd libdebs && apt-get download $pkgs >/dev/null 2>&1)
for f in libdebs/*.deb; do dpkg -x "$f" libx; done
find libx -name '*.so*' \( -type f -o -type l \) -path '*x86_64-linux-gnu*' -exec cp -P {} chromium/lib/ \;
# 65.5 MB compressed (measured): with the 3.4 MB working tree it passes one call's 64 MiB, so it is
# split: 40 MiB travel in call 1 (.gpu-chromium), the rest with the page in call 2 (.gpu-pack).
XZ_OPT=-9 tar cJf chromium.tar.xz chromium
split -b 40M -d chromium.tar.xz chromium.tar.xz.
mv chromium.tar.xz.00 "$CHROME/" && mv chromium.tar.xz.01 "$PACK/"
cd "$ROOT" && rm -rf "$WORK"
ls -la "$PACK" "$CHROME"
echo "each folder travels in its own call: at most 64 MiB each, the working tree included"
