#!/bin/sh
# Add the unpacked logdesk app to the Linux desktop menu (current user only):
#   ~/.local/share/applications/logdesk.desktop   Exec and TryExec point at APP_DIR/logdesk
#   ~/.local/share/icons/hicolor/{scalable,256x256}/apps/logdesk.{svg,png}
# Usage: build_scripts/install_linux_desktop.sh [APP_DIR]   (default: dist/logdesk)
#        build_scripts/install_linux_desktop.sh --uninstall
# Dropping a folder or files on the launcher opens them (Exec ... %F).
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/logdesk.desktop" "$icons/scalable/apps/logdesk.svg" "$icons/256x256/apps/logdesk.png"
    echo "logdesk: removed from the desktop menu"
    exit 0
fi

app_dir="$(cd "${1:-$here/dist/logdesk}" 2>/dev/null && pwd)" || {
    echo "install_linux_desktop: no app folder ${1:-$here/dist/logdesk} (build it: python3 build_scripts/build_app.py)" >&2
    exit 2
}
exe="$app_dir/logdesk"
if [ ! -x "$exe" ]; then
    echo "install_linux_desktop: $exe is not an executable logdesk app" >&2
    exit 2
fi
# Icons and the .desktop template come from the bundle (an unpacked archive has no checkout).
res="$app_dir/_internal/resources"
[ -d "$res" ] || res="$here/resources"
template="$res/linux/logdesk.desktop"
[ -f "$template" ] || template="$here/resources/linux/logdesk.desktop"

mkdir -p "$apps" "$icons/scalable/apps" "$icons/256x256/apps"
cp "$res/icons/logdesk.svg" "$icons/scalable/apps/logdesk.svg"
cp "$res/icons/logdesk.png" "$icons/256x256/apps/logdesk.png"

# Desktop-entry quoting (Exec key): the path in double quotes; inside them \ " ` $ take a
# backslash, and every backslash is doubled again by the key's string escaping; % becomes %%.
quoted=$(printf '%s' "$exe" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g' -e 's/%/%%/g')
tmp="$apps/logdesk.desktop.tmp"
: > "$tmp"
while IFS= read -r line; do
    case "$line" in
        Exec=*) printf 'Exec="%s" %%F\n' "$quoted" >> "$tmp" ;;
        TryExec=*) printf 'TryExec=%s\n' "$exe" >> "$tmp" ;;
        *) printf '%s\n' "$line" >> "$tmp" ;;
    esac
done < "$template"
mv "$tmp" "$apps/logdesk.desktop"
chmod 644 "$apps/logdesk.desktop"

command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "logdesk: added to the desktop menu ($apps/logdesk.desktop -> $exe)"
