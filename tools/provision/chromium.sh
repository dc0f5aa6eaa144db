#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium, for the console's browser test (test/e2e/console.test.ts,
# driven by playwright-core, which never downloads a browser here): the machine's, or the Debian package when root,
# with a Korean font (the page's labels are Korean by default; without one its screenshots show boxes).
source "$(dirname "$0")/lib.sh"
have_font() { ! command -v fc-list >/dev/null || fc-list :lang=ko | grep -q .; }
if [ -x /usr/bin/chromium ] && have_font; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  fail "/usr/bin/chromium or a Korean font is missing. Install them (Debian: sudo apt-get install -y $CHROMIUM_DEBIAN_PACKAGE $KOREAN_FONT_DEBIAN_PACKAGE) and run again."
fi
say "installing $CHROMIUM_DEBIAN_PACKAGE and $KOREAN_FONT_DEBIAN_PACKAGE from Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "$CHROMIUM_DEBIAN_PACKAGE" "$KOREAN_FONT_DEBIAN_PACKAGE" >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "$CHROMIUM_DEBIAN_PACKAGE" "$KOREAN_FONT_DEBIAN_PACKAGE" >/dev/null
}
[ -x /usr/bin/chromium ] && have_font || fail "/usr/bin/chromium or a Korean font still missing after apt-get install"
