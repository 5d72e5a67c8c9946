#!/usr/bin/env bash
# Builds QuantScope (if needed) and opens its window with the demo model loaded.
# Works on a bare Debian/Ubuntu machine too: installs the GTK 3 library JavaFX needs and, when there is
# no display at all, starts a virtual one (Xvfb) and says how to look at it.
set -euo pipefail
cd "$(dirname "$0")/.."

need_build=0
[ -f target/quantscope.jar ] || need_build=1
if [ $need_build -eq 0 ] && [ -n "$(find src resources pom.xml -newer target/quantscope.jar -print -quit 2>/dev/null)" ]; then
  need_build=1
fi
if [ $need_build -eq 1 ]; then
  echo "Building QuantScope (mvn package, tests skipped; run 'mvn -B verify' for the tests)..."
  mvn -B -q package -DskipTests
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if command -v ldconfig >/dev/null && ! ldconfig -p 2>/dev/null | grep -q 'libgtk-3.so.0'; then
  echo "JavaFX needs GTK 3 (libgtk-3-0); installing it..."
  if command -v apt-get >/dev/null; then
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgtk-3-0 \
      || { echo "Could not install libgtk-3-0; install it with your package manager and run again." >&2; exit 1; }
  else
    echo "Install GTK 3 with your package manager, then run again." >&2; exit 1
  fi
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! command -v Xvfb >/dev/null; then
    echo "No display found; installing Xvfb to provide a virtual one..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb \
      || { echo "No display and Xvfb could not be installed. Run this from a desktop session." >&2; exit 1; }
  fi
  export DISPLAY=:99
  if ! pgrep -f "Xvfb :99" >/dev/null; then
    Xvfb :99 -screen 0 1440x900x24 >/dev/null 2>&1 &
    sleep 1
  fi
  echo "No display: QuantScope runs on the virtual display :99 (screenshot: DISPLAY=:99 import -window root shot.png)."
fi

exec java ${QUANTSCOPE_JAVA_OPTS:-} -jar target/quantscope.jar "$@"
