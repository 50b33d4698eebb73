#!/usr/bin/env bash
# Installs the Debian packages the test suite and the demo need. Idempotent.
# As root it installs what is missing; otherwise it prints the apt-get line and fails.
set -euo pipefail

PACKAGES=(
  # real mail servers for integration tests and the demo
  dovecot-imapd dovecot-lmtpd postfix isync
  # envsubst renders the mail stack's config templates
  gettext-base
  # throw-away PostgreSQL clusters
  postgresql
  # browser tests (Playwright drives Debian's Chromium; it never downloads one)
  chromium
  # GUI tests and screenshots under a virtual X server
  xvfb x11-utils xdotool fonts-dejavu-core
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-cursor0
  libxkbcommon-x11-0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3
  # benchmark anchors and packaging checks
  nginx-light openssl msitools wixl
  # builds the relay benchmark's load generator (tests/bench/relay_load.c)
  gcc libc6-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages. Run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix asks an interactive question on install; answer it with "no configuration":
# the tests run their own Postfix instance with its own config directory.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
echo "system packages: installed ${missing[*]}"
