#!/bin/sh
# The GPU bench on the lent GPU machine (bench/gpu/README.md), which has Python but neither Node nor
# Chromium and fetches nothing. Two calls, the second within the machine's warm window:
#
#   call 1, carry [.gpu-chromium]:        sh bench/gpu/device.sh setup
#   call 2, carry [.gl, .gpu-pack]:       sh bench/gpu/device.sh run [--full|--tiny] [SECONDS]
#
# setup unpacks Debian's headless shell (stage-device.sh made the archives); run adds the
# libraries it links (for Chromium alone: LD_LIBRARY_PATH is set for its processes, not for
# Python), checks that it starts, finds the NVIDIA Vulkan driver, probes WebGPU under a few flag sets and runs the
# bench page with the first set that gives a hardware adapter with shader-f16. Each step says
# what failed, so one short try tells where it stopped.
set -u
ROOT=$(pwd)
# Unpacked outside the repo: the tool rebuilds the repo's copy each call, ignored folders included.
CDIR=/var/tmp/gpu-chromium
C="$CDIR/chromium"
OUT=${OUT:-/tmp/gpu-bench-out}
mkdir -p "$OUT"

setup() {
  [ -f "$ROOT/.gpu-chromium/chromium.tar.xz" ] || { echo "setup: .gpu-chromium/chromium.tar.xz is missing (carry .gpu-chromium)"; exit 2; }
  rm -rf "$CDIR" && mkdir -p "$CDIR" && xz -dc "$ROOT/.gpu-chromium/chromium.tar.xz" | tar x -C "$CDIR" || { echo "setup: unpacking failed"; exit 2; }
  ls -la "$C" | head -5
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  echo "setup: done"
}

# LD_LIBRARY_PATH for Chromium's processes only.
CLIB=""
env_chromium() {
  mkdir -p "$C/lib" && tar xJf "$ROOT/.gpu-pack/libs.tar.xz" -C "$C" || { echo "run: unpacking the libraries failed"; exit 2; }
  CLIB="$C/lib:$C"
  [ -d /usr/local/nvidia/lib64 ] && CLIB="$CLIB:/usr/local/nvidia/lib64"
  export CHROMIUM_LIBRARY_PATH="$CLIB"
  missing=$(LD_LIBRARY_PATH="$CLIB" ldd "$C/chromium-headless-shell" | grep 'not found')
  [ -z "$missing" ] || { echo "run: libraries still missing: $missing"; exit 2; }
  LD_LIBRARY_PATH="$CLIB" "$C/chromium-headless-shell" --version 2>&1 | tail -1
}

# The Vulkan loader and the NVIDIA driver's ICD (the device README's recipe).
env_vulkan() {
  if ls "$ROOT"/.gl/*.deb >/dev/null 2>&1; then for f in "$ROOT"/.gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
  for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$j" ] && { export VK_DRIVER_FILES="$j"; break; }
  done
  [ -n "${VK_DRIVER_FILES:-}" ] || { j=$(find / -xdev -name 'nvidia_icd*.json' 2>/dev/null | head -1); [ -n "$j" ] && export VK_DRIVER_FILES="$j"; }
  echo "vulkan driver: ${VK_DRIVER_FILES:-none found}"; [ -n "${VK_DRIVER_FILES:-}" ] && tr -d "\n" < "$VK_DRIVER_FILES" && echo
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
}

run() {
  mode=${1:---full}
  seconds=${2:-480}
  [ -x "$C/chromium-headless-shell" ] || { echo "run: no unpacked Chromium here (a fresh machine?): call 'setup' first, then 'run' within the warm window"; exit 2; }
  [ -f "$ROOT/.gpu-pack/pack.tar.xz" ] && [ -f "$ROOT/.gpu-pack/libs.tar.xz" ] || { echo "run: .gpu-pack/{pack,libs}.tar.xz missing (carry .gpu-pack)"; exit 2; }
  env_vulkan
  env_chromium
  rm -rf /tmp/gpu-pack && mkdir -p /tmp/gpu-pack && tar xJf "$ROOT/.gpu-pack/pack.tar.xz" -C /tmp/gpu-pack || exit 2
  # What Vulkan itself sees (vulkan-tools, carried in .gpu-pack/diag, unpacked off /).
  if ls "$ROOT"/.gpu-pack/diag/*.deb >/dev/null 2>&1; then
    rm -rf /tmp/vt && for f in "$ROOT"/.gpu-pack/diag/*.deb; do dpkg -x "$f" /tmp/vt; done
    LD_LIBRARY_PATH="$CLIB:/tmp/vt/usr/lib/x86_64-linux-gnu" timeout 20 /tmp/vt/usr/bin/vulkaninfo --summary 2>&1 | grep -E "deviceName|driverName|driverInfo|apiVersion|ERROR|rror" | head -12
  fi
  # run.py asks for an adapter under each set and benches with the first hardware one with
  # shader-f16, else with V: the H200's Vulkan driver gave Chromium 156's Dawn no shader-f16 under
  # any of five sets tried (2026-11-27), and the page then runs fp32.
  V="--enable-features=Vulkan --use-angle=vulkan --disable-vulkan-surface --ignore-gpu-blocklist"
  { PYTHONUNBUFFERED=1 python3 /tmp/gpu-pack/pack/run.py "$mode" --chromium "$C/chromium-headless-shell" --gpu-flags "$V --disable-dev-shm-usage" \
    --probe "$V --enable-dawn-features=allow_unsafe_apis,vulkan_use_storage_input_output_16" \
    --probe "$V --disable-dawn-features=vulkan_use_storage_input_output_16 --enable-dawn-features=allow_unsafe_apis" \
    --timeout "$seconds" --log /tmp/chromium.log 2>&1; echo $? > /tmp/gpu-bench-rc; } | tee "$OUT/gpu-bench.log"
  code=$(cat /tmp/gpu-bench-rc)
  # The verbose ORT log is large; what comes back is Chromium's own lines (the console ones are in the report).
  grep -v 'INFO:CONSOLE' /tmp/chromium.log > /tmp/chromium-own.log
  { head -c 3000000 /tmp/chromium-own.log; echo; echo '[… cut …]'; tail -c 3000000 /tmp/chromium-own.log; } > "$OUT/chromium.log"
  return $code
}

case "${1:-}" in
  setup) setup ;;
  run) shift; run "$@" ;;
  *) echo "usage: sh bench/gpu/device.sh setup | run [--full|--tiny] [SECONDS]"; exit 2 ;;
esac
