#!/usr/bin/env bash
# Installs the system packages the build and the tests need (Debian/Ubuntu), once; a no-op when they are there.
set -euo pipefail
need=()
for pkg in libopenblas-dev libncursesw5-dev libjpeg-dev libpng-dev pkg-config tmux; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PATH="/opt/swift/usr/bin:$PATH"
