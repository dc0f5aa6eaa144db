#!/usr/bin/env bash
# Prints the path of schemathesis $SCHEMATHESIS_VERSION's `st` (the OpenAPI fuzzer of test/e2e/fuzz.test.ts):
# $SCHEMATHESIS_BIN when it reports that version, else a venv under $LAB_CACHE, made with pip from the package
# index pip is configured with (its own configuration: no index is named here).
source "$(dirname "$0")/lib.sh"
ok_version() { [ -x "$1" ] && [[ "$("$1" --version 2>/dev/null)" == *" $SCHEMATHESIS_VERSION" ]]; }

venv="$LAB_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
target="$venv/bin/st"
# The stamp is written last, so an interrupted install is redone rather than half-used.
for candidate in "${SCHEMATHESIS_BIN:-}" "$([ -f "$venv/.complete" ] && echo "$target")"; do
  if [ -n "$candidate" ] && ok_version "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

python="$(command -v python3 || true)"
[ -n "$python" ] || fail "schemathesis needs Python >= 3.9 (Debian: apt-get install -y python3 python3-venv)."
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
  fail "schemathesis $SCHEMATHESIS_VERSION needs Python >= 3.9; found $("$python" --version 2>&1)"
say "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
start=$(date +%s)
# A venv is not relocatable (its scripts name its own python), so it is made in place, from empty.
rm -rf "$venv"
"$python" -m venv "$venv" >&2 || fail "python3 -m venv failed (Debian: apt-get install -y python3-venv)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2 ||
  fail "pip could not install schemathesis==$SCHEMATHESIS_VERSION (see the pip output above)"
ok_version "$target" || fail "$target does not report version $SCHEMATHESIS_VERSION"
touch "$venv/.complete"
say "schemathesis $SCHEMATHESIS_VERSION ready in $(($(date +%s) - start)) s"
echo "$target"
