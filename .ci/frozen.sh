#!/usr/bin/env bash
# Build the frozen Linux bundle (PyInstaller onedir, dist/deskapp/) and prove that it runs alone.
#
#   bash .ci/frozen.sh [VENV]     # VENV (relative to the repo root) defaults to .venv; made with
#                                 # python3 if it does not exist
#
# 1. installs what the build needs: from Debian the validators, binutils (PyInstaller's objdump and
#    strip) and Qt's run-time libraries if missing; into VENV deskapp itself, editable, with the
#    `package` extra (PyInstaller). Editable like scripts/test, so a shared .venv stays a dev venv;
#    the install also compiles deskapp/locale/*.mo and copies resources/ (packaging/hatch_build.py).
# 2. validates the .desktop file, the AppStream metainfo and the icon sizes;
# 3. builds with packaging/deskapp.spec;
# 4. checks the bundle's contents (migrations as .py, catalogs, Qt translations and plugins, no
#    library left unresolved) and runs it with no Python and no venv on PATH, in a clean environment:
#    --version, demo, export, lookup by name and by phone, --smoke-test in English and Finnish;
# 5. prints the bundle's size and the build time. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
venv=${1:-.venv}
say() { printf '== %s\n' "$*"; }
fail() { printf 'frozen.sh: FAIL: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- 1. install
# Validators; binutils for PyInstaller; Qt's system libraries (as in .ci/run) so the bundle's
# dependencies resolve at build time and the headless runs below can start; libwayland-* are
# never bundled (PyInstaller leaves the graphics stack to the target) but are checked for.
packages=(desktop-file-utils appstream binutils
          libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
          libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libwayland-client0
          libwayland-cursor0 libwayland-egl1 fonts-dejavu-core)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing from Debian: ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x "$venv/bin/python" ]]; then
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || fail "deskapp needs Python 3.11 or newer"
  python3 -m venv "$venv"
fi
python="$venv/bin/python"
say "installing deskapp[package] (editable) into $venv"
"$python" -m pip install --quiet --disable-pip-version-check -e '.[package]'
version=$("$python" -c 'import deskapp; print(deskapp.__version__)')
app_id=$("$python" -c 'import deskapp; print(deskapp.APP_ID)')

# ---------------------------------------------------------------- 2. validate
say "desktop-file-validate"
desktop-file-validate "packaging/$app_id.desktop" || fail "packaging/$app_id.desktop is not valid"
# The tel:/callto: handler (`deskapp call %u`), hidden from menus.
desktop-file-validate "packaging/$app_id.Call.desktop" || fail "packaging/$app_id.Call.desktop is not valid"
say "appstreamcli validate --no-net"
appstreamcli validate --no-net "packaging/$app_id.metainfo.xml" || fail "packaging/$app_id.metainfo.xml is not valid"
grep -q "<release version=\"$version\"" "packaging/$app_id.metainfo.xml" \
  || fail "the metainfo has no <release> for deskapp $version"
say "icons"
"$python" - "$app_id" <<'EOF' || fail "resources/icons is incomplete"
import struct, sys
from pathlib import Path
app_id, bad = sys.argv[1], []
for size in (16, 32, 48, 64, 128, 256):
    png = Path(f"resources/icons/hicolor/{size}x{size}/apps/{app_id}.png")
    data = png.read_bytes()[:24] if png.is_file() else b""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", data[16:24]) != (size, size):
        bad.append(str(png))
if not Path("resources/icons/deskapp.svg").is_file():
    bad.append("resources/icons/deskapp.svg")
if bad:
    sys.exit("missing or wrong size: " + ", ".join(bad))
EOF

# ---------------------------------------------------------------- 3. build
say "pyinstaller packaging/deskapp.spec"
build_started=$SECONDS
log=build/pyinstaller.log
mkdir -p build
if ! "$venv/bin/pyinstaller" --noconfirm --clean packaging/deskapp.spec >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  fail "pyinstaller failed (whole log: $log)"
fi
build_seconds=$((SECONDS - build_started))
grep -E "deskapp.spec:|ERROR" "$log" | cut -c1-300 || true
bundle=dist/deskapp
exe=$bundle/deskapp
internal=$bundle/_internal
[[ -x "$exe" ]] || fail "$exe was not built"

# ---------------------------------------------------------------- 4a. contents
say "bundle contents"
expect=(deskapp/core/storage/migrations/env.py
        PySide6/Qt/translations/qtbase_fi.qm PySide6/Qt/translations/qtbase_es.qm
        PySide6/Qt/plugins/platforms/libqxcb.so PySide6/Qt/plugins/platforms/libqwayland.so
        PySide6/Qt/plugins/platforms/libqoffscreen.so PySide6/Qt/plugins/imageformats/libqsvg.so
        "deskapp/resources/icons/hicolor/48x48/apps/$app_id.png")
for po in translations/*/LC_MESSAGES/deskapp.po; do
  [[ -e "$po" ]] && expect+=("deskapp/locale/$(basename "$(dirname "$(dirname "$po")")")/LC_MESSAGES/deskapp.mo")
done
for migration in deskapp/core/storage/migrations/versions/*.py; do
  expect+=("$migration")
done
for file in "${expect[@]}"; do
  [[ -f "$internal/$file" ]] || fail "missing from the bundle: $file"
done
unwanted=$(find "$internal" \( -name 'libQt6Qml*' -o -name 'libQt6Quick*' \
  -o -name 'libQt6Pdf*' -o -name 'libQt6WebEngine*' -o -name 'libgtk-3*' -o -name 'libqgtk3*' \) -print)
[[ -z "$unwanted" ]] || fail "trimmed files came back: $unwanted"
# Every library and plugin must resolve inside the bundle, except the graphics stack and the
# Wayland client libraries, which PyInstaller leaves to the target system on purpose.
unresolved=$(find "$internal" -name '*.so*' -type f -print0 \
  | xargs -0 -n 20 env LD_LIBRARY_PATH="$internal" ldd 2>/dev/null \
  | grep "not found" \
  | grep -Ev 'lib(wayland-|E?(Open)?GLX?|drm|xcb\.so|vulkan)' | sort -u || true)
[[ -z "$unresolved" ]] || fail "libraries the bundle needs but does not have: $unresolved"

# ---------------------------------------------------------------- 4b. run it, Python-free
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Nothing of the build's environment: no venv or PYTHON* variables, PATH with system tools only.
run() {
  env -i PATH=/usr/bin:/bin HOME="$tmp" QT_QPA_PLATFORM=offscreen DESKAPP_DATA_DIR="$tmp" "$@"
}
db=$tmp/d.sqlite3

say "deskapp --version"
got=$(run "$exe" --version) || fail "--version exited non-zero"
[[ "$got" == "deskapp $version" ]] || fail "--version printed '$got', expected 'deskapp $version'"

say "deskapp demo --customers 200 (runs the Alembic migrations from the bundle)"
run "$exe" --db "$db" demo --customers 200 || fail "demo failed"

say "deskapp call (no window running: prints the match and logs the call; QtNetwork is in the bundle)"
got=$(run env DESKAPP_STATION_NAME=frozen-check "$exe" --db "$db" call "tel:+358-40-123-4567" --json) \
  || fail "deskapp call failed"
grep -q '"FI-000001"' <<<"$got" || fail "deskapp call did not name FI-000001: $got"

say "deskapp export customers, lookup by name and by phone"
run "$exe" --db "$db" export customers "$tmp/customers.csv" || fail "export failed"
read -r account family phone < <("$python" - "$tmp/customers.csv" <<'EOF'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    for row in csv.DictReader(handle):
        if row["phone"] and row["family_name"]:
            print(row["account_number"], row["family_name"].split()[0], row["phone"].lstrip("'"))
            break
EOF
)
[[ -n "${phone:-}" ]] || fail "the exported CSV has no customer with a phone number"
run "$exe" --db "$db" lookup --json --limit 200 "$family" | grep -q "\"$account\"" \
  || fail "lookup '$family' did not find $account"
run "$exe" --db "$db" lookup --json "$phone" | grep -q "\"$account\"" || fail "lookup '$phone' did not find $account"

say "deskapp --help in Finnish (compiled catalogs in the bundle)"
english=$(run "$exe" --help) && finnish=$(run LANGUAGE=fi "$exe" --help) || fail "--help failed"
[[ "$english" != "$finnish" ]] || fail "LANGUAGE=fi printed English help: deskapp.mo not found in the bundle"

say "deskapp --smoke-test"
run "$exe" --db "$db" --smoke-test || fail "--smoke-test failed"
say "deskapp --lang fi --smoke-test"
run "$exe" --db "$db" --lang fi --smoke-test || fail "--lang fi --smoke-test failed"

# ---------------------------------------------------------------- 5. report
say "bundle size: $(du -sh "$bundle" | cut -f1) ($bundle, $(find "$bundle" -type f | wc -l) files)"
say "build time: ${build_seconds} s (PyInstaller); whole script: $((SECONDS - started)) s"
say "frozen bundle OK: deskapp $version"
