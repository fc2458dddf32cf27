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
C="$ROOT/.gpu-chromium/chromium"
OUT=${OUT:-/tmp/gpu-bench-out}
mkdir -p "$OUT"

setup() {
  [ -f "$ROOT/.gpu-chromium/chromium.tar.xz" ] || { echo "setup: .gpu-chromium/chromium.tar.xz is missing (carry .gpu-chromium)"; exit 2; }
  rm -rf "$C" && xz -dc "$ROOT/.gpu-chromium/chromium.tar.xz" | tar x -C "$ROOT/.gpu-chromium" || { echo "setup: unpacking failed"; exit 2; }
  rm -f "$ROOT/.gpu-chromium/chromium.tar.xz" # the machine keeps the unpacked folder; call 2 need not resend it
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
  echo "vulkan driver: ${VK_DRIVER_FILES:-none found}"
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
}

# One headless page that asks for an adapter and prints what it got.
probe() {
  cat > /tmp/gpu-probe.html <<'EOF'
<title>probe</title><pre id=o>pending</pre><script>
(async () => { const o = document.getElementById('o'); try {
  const a = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) { o.textContent = 'NO-ADAPTER navigator.gpu=' + !!navigator.gpu; return; }
  const i = a.info || {};
  o.textContent = 'ADAPTER ' + [i.vendor, i.architecture, i.description].join('/') + ' f16=' + a.features.has('shader-f16') + ' maxBuffer=' + a.limits.maxBufferSize;
} catch (e) { o.textContent = 'ERR ' + e; } })();
</script>
EOF
  rm -rf /tmp/gpu-probe-profile
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH="$CLIB" timeout 40 "$C/chromium-headless-shell" --no-sandbox --enable-unsafe-webgpu --disable-dev-shm-usage $1 --user-data-dir=/tmp/gpu-probe-profile \
    --virtual-time-budget=15000 --dump-dom file:///tmp/gpu-probe.html 2>>"$OUT/probe-stderr.txt" | grep -o '<pre id="o">[^<]*' | sed 's/<pre id="o">//'
}

run() {
  mode=${1:---full}
  seconds=${2:-480}
  [ -x "$C/chromium-headless-shell" ] || { echo "run: no unpacked Chromium here (a fresh machine?): call 'setup' first, then 'run' within the warm window"; exit 2; }
  [ -f "$ROOT/.gpu-pack/pack.tar.xz" ] && [ -f "$ROOT/.gpu-pack/libs.tar.xz" ] || { echo "run: .gpu-pack/{pack,libs}.tar.xz missing (carry .gpu-pack)"; exit 2; }
  env_vulkan
  env_chromium
  rm -rf /tmp/gpu-pack && mkdir -p /tmp/gpu-pack && tar xJf "$ROOT/.gpu-pack/pack.tar.xz" -C /tmp/gpu-pack || exit 2
  chosen=""
  for flags in \
    "--enable-features=Vulkan --use-angle=vulkan --disable-vulkan-surface --ignore-gpu-blocklist" \
    "--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan --use-angle=vulkan --ignore-gpu-blocklist" \
    "--use-angle=swiftshader --enable-features=Vulkan --ignore-gpu-blocklist" \
    "--ignore-gpu-blocklist"; do
    got=$(probe "$flags")
    echo "probe [$flags]: ${got:-no answer}"
    case "$got" in *f16=true*) case "$got" in *swiftshader*) ;; *) chosen="$flags"; break;; esac;; esac
  done
  if [ -z "$chosen" ] && [ "$mode" = --full ]; then
    echo "run: no hardware WebGPU adapter with shader-f16 under any flag set; Chromium's stderr (last lines):"
    tail -40 "$OUT/probe-stderr.txt" | cut -c1-300
    exit 1
  fi
  echo "run: flags [$chosen]"
  { PYTHONUNBUFFERED=1 python3 /tmp/gpu-pack/pack/run.py "$mode" --chromium "$C/chromium-headless-shell" --gpu-flags "$chosen --disable-dev-shm-usage" \
    --timeout "$seconds" --log /tmp/chromium.log 2>&1; echo $? > /tmp/gpu-bench-rc; } | tee "$OUT/gpu-bench.log"
  code=$(cat /tmp/gpu-bench-rc)
  # The verbose ORT log is large; what comes back is Chromium's own lines (the console ones are in the report).
  grep -v 'INFO:CONSOLE' /tmp/chromium.log | tail -c 4000000 > "$OUT/chromium.log"
  return $code
}

case "${1:-}" in
  setup) setup ;;
  run) shift; run "$@" ;;
  *) echo "usage: sh bench/gpu/device.sh setup | run [--full|--tiny] [SECONDS]"; exit 2 ;;
esac
