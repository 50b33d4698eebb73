#!/usr/bin/env bash
# Builds the PyInstaller bundle and wraps it in an MSI with wixl (msitools).
#
#   packaging/build-msi.sh                   bundle into build/package/dist, then the MSI
#   packaging/build-msi.sh --payload DIR     skip PyInstaller: wrap an existing bundle folder
#   options: --out FILE (default WORK/zivverdesk-VERSION.msi), --version X.Y.Z,
#            --work DIR (PyInstaller's and wixl's working folder, default build/package)
#
# On Linux this proves that the bundle builds and that zivverdesk.wxs is a valid installer
# source: the programs inside are Linux programs. The MSI that is shipped is built the same
# way on Windows with PyInstaller and the WiX toolset (packaging/README.md).
# wixl resolves sources relative to its working directory, so every path it sees is relative.
set -euo pipefail
CALLER=$(pwd)
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VPY=$ROOT/.venv/bin/python
WORK=$ROOT/build/package
PAYLOAD=""
OUT=""
VERSION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --payload) PAYLOAD=$(cd "$CALLER" && realpath -m "$2"); shift 2 ;;
    --out) OUT=$(cd "$CALLER" && realpath -m "$2"); shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    --work) WORK=$(cd "$CALLER" && realpath -m "$2"); shift 2 ;;
    *) echo "usage: $0 [--payload DIR] [--out FILE] [--version X.Y.Z] [--work DIR]" >&2; exit 2 ;;
  esac
done
for tool in wixl wixl-heat; do
  command -v "$tool" >/dev/null || { echo "missing program: $tool (apt-get install wixl msitools)" >&2; exit 3; }
done

if [ -z "$VERSION" ]; then
  # MSI versions are up to three numbers; "0.2.0.dev3" becomes 0.2.0.
  VERSION=$("$VPY" -c 'import re, zivverdesk; print(re.match(r"\d+(\.\d+){0,2}", zivverdesk.__version__).group(0))')
fi
mkdir -p "$WORK"

if [ -z "$PAYLOAD" ]; then
  [ -x "$ROOT/.venv/bin/pyinstaller" ] || {
    echo "PyInstaller is missing: .venv/bin/pip install -e '.[packaging]' (or: make package)" >&2
    exit 3
  }
  # Compiled translations go into the bundle; the application cannot compile them there.
  for ts in resources/i18n/*.ts; do
    "$ROOT/.venv/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
  done
  "$ROOT/.venv/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$WORK/dist" \
    --workpath "$WORK/work" packaging/zivverdesk.spec
  PAYLOAD=$WORK/dist/zivverdesk
fi
[ -d "$PAYLOAD/_internal" ] || { echo "$PAYLOAD is not a PyInstaller onedir bundle (no _internal)" >&2; exit 2; }
for program in zivverdesk zivverdesk-gui zivverdesk-site-config; do
  [ -f "$PAYLOAD/$program" ] || { echo "$PAYLOAD/$program is missing" >&2; exit 2; }
done

OUT=${OUT:-$WORK/zivverdesk-$VERSION.msi}
mkdir -p "$(dirname "$OUT")"
cd "$WORK"
rel_payload=$(realpath --relative-to="$WORK" "$PAYLOAD")
rel_wxs=$(realpath --relative-to="$WORK" "$ROOT/packaging/zivverdesk.wxs")
rel_out=$(realpath --relative-to="$WORK" "$OUT")

# Everything below _internal, one component per file (the three programs are in the .wxs).
# Linux bundles link some shared libraries (-xtype f); an MSI has no links, it holds copies.
find "$rel_payload/_internal" \( -type f -o -xtype f \) | LC_ALL=C sort |
  wixl-heat -p "$rel_payload/" --component-group CG.ProgramFiles --directory-ref INSTALLDIR \
    --var var.ProgramDir --win64 >program-files.wxs

wixl -a x64 -D Version="$VERSION" -D ProgramDir="$rel_payload" -D ExeSuffix= -D Win64=yes \
  -o "$rel_out" "$rel_wxs" program-files.wxs
echo "$OUT"
