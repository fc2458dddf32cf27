#!/bin/sh
# Prepares what the lent GPU machine needs and cannot fetch (it has Python, but neither Node nor
# Chromium nor the libraries a browser links), in git-ignored folders for the two calls of
# bench/gpu/README.md:
#   .gpu-chromium/chromium.tar.xz   Debian's chromium-headless-shell and the chromium-common files
#                                   it reads (call 1; 63.2 MB with xz's x86 filter, which is what
#                                   lets it travel beside the 3.4 MB working tree in one call)
#   .gpu-pack/pack.tar.xz           the bench page packed for run.py (node bench/gpu.mjs --pack)
#   .gpu-pack/libs.tar.xz           every shared library the shell links, found by ldd here, less
#                                   glibc, libgcc_s, libstdc++ and zlib (the machine's own serve),
#                                   plus NSS's modules (loaded at run time, so ldd misses them)
#   .gl/                            the Vulkan/GL loaders of the device README
# Run here, in the repo root, on this Debian machine (apt-get update once first):
#   sh bench/gpu/stage-device.sh [all|pack|libs]
set -eu
ROOT=$(pwd)
PACK="$ROOT/.gpu-pack"
CHROME="$ROOT/.gpu-chromium"
WHAT=${1:-all}
for d in /.gpu-pack/ /.gpu-chromium/ /.gl/; do grep -qx "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude; done
mkdir -p "$PACK" "$CHROME" "$ROOT/.gl"
[ -x /usr/lib/chromium/chromium-headless-shell ] || apt-get install -y -q chromium-headless-shell >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ "$WHAT" = all ] || [ "$WHAT" = pack ]; then
  node bench/gpu.mjs --pack "$WORK/pack" >/dev/null
  tar cJf "$PACK/pack.tar.xz" -C "$WORK" pack
fi

if [ "$WHAT" = all ] || [ "$WHAT" = libs ]; then
  mkdir -p "$WORK/lib"
  for so in $(ldd /usr/lib/chromium/chromium-headless-shell | awk '$3 ~ /^\// {print $3}') $(dpkg -L libnss3 | grep '\.so$'); do
    case "$(basename "$so")" in libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libgcc_s*|libstdc++*|libz.so*) continue;; esac
    cp -L "$so" "$WORK/lib/"
  done
  XZ_OPT=-9 tar cJf "$PACK/libs.tar.xz" -C "$WORK" lib
  (cd "$ROOT/.gl" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1)
fi

if [ "$WHAT" = all ]; then
  cd "$WORK"
  apt-get download chromium-headless-shell chromium-common >/dev/null 2>&1
  for f in chromium-headless-shell_*.deb chromium-common_*.deb; do dpkg -x "$f" x; done
  mkdir -p chromium
  for f in chromium-headless-shell headless_lib_data.pak headless_lib_strings.pak headless_command_resources.pak \
           icudtl.dat v8_context_snapshot.bin snapshot_blob.bin libvulkan.so.1 libEGL.so libGLESv2.so; do
    cp "x/usr/lib/chromium/$f" chromium/
  done
  # xz's x86 branch filter makes the binary 2 MB smaller than plain -9: it then fits one call.
  tar cf - chromium | xz -T1 --x86 --lzma2=preset=9e,dict=256MiB > "$CHROME/chromium.tar.xz"
fi
ls -la "$PACK" "$CHROME" "$ROOT/.gl"
