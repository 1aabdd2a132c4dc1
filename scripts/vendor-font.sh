#!/usr/bin/env bash
# Makes hub/forms/fonts/wqy-microhei.ttf again from Debian's fonts-wqy-microhei (the font the printed
# application forms embed), and checks it against hub/forms/fonts/SHA256SUMS. Needs apt-get (download only:
# no root, nothing installed) and fontTools (pip install fonttools). Run from the checkout.
set -euo pipefail
VERSION=0.2.0-beta-3.1
cd "$(dirname "$0")/.."
dest=hub/forms/fonts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "fonts-wqy-microhei=$VERSION" >/dev/null)
dpkg-deb -x "$work"/fonts-wqy-microhei_*.deb "$work/pkg"
ttc="$work/pkg/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
echo "$(grep '^[0-9a-f]* *source: ' "$dest/SHA256SUMS" | cut -d' ' -f1)  $ttc" | sha256sum --check --quiet
# Face 0 (the proportional one), every character kept, hinting left out: reportlab embeds only the glyphs a
# document uses, so the size here costs nothing per PDF.
pyftsubset "$ttc" --font-number=0 --unicodes='*' --no-hinting --layout-features='*' --glyph-names=false \
  --name-IDs='*' --output-file="$dest/wqy-microhei.ttf" 2>/dev/null
(cd "$dest" && grep ' wqy-microhei.ttf$' SHA256SUMS | sha256sum --check)
