#!/usr/bin/env bash
# Parallax developer tasks. Needs only bash and Python >= 3.11.
#   ./tasks.sh demo    install everything into .venv, then analyse the bundled example story
#   ./tasks.sh test    install everything (the Ray extra, plus chromium and PostgreSQL for the real-component tests), run lint and tests
#   ./tasks.sh setup   install only
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
VENV=".venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

apt_install() {
  # Install Debian packages when missing; returns non-zero if it cannot.
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ ! -f /tmp/.parallax-apt-updated ]; then
    as_root apt-get update -qq >/dev/null && touch /tmp/.parallax-apt-updated || return 1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Parallax needs Python >= 3.11; set PYTHON=/path/to/python3.11" >&2; exit 2; }
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      say "python venv module missing: installing python3-venv"
      apt_install python3-venv || { echo "cannot create a virtual environment: install python3-venv" >&2; exit 2; }
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # The CPU build of torch first, so nothing pulls a CUDA build.
    "$VENV/bin/python" -c 'import torch' 2>/dev/null || "$VENV/bin/python" -m pip install -q "torch==2.13.0"
    "$VENV/bin/python" -m pip install -q -e ".[dev,ray]"
    rm -f "$VENV"/.installed-*; touch "$stamp"
  fi
  # MiniLM exported to ONNX (offline, from the bundled model; under a minute), so that analyses
  # embed without importing torch. Without it Parallax falls back to sentence-transformers.
  if [ ! -f "${PARALLAX_ONNX_MODEL:-$HOME/.cache/parallax/onnx-minilm}/manifest.json" ]; then
    say "exporting MiniLM to ONNX"
    "$VENV/bin/python" scripts/build_onnx_model.py >/dev/null \
      || say "ONNX export failed: analyses will embed with sentence-transformers (slower start)"
  fi
}

demo() {
  setup
  mkdir -p out
  say "parallax analyze examples/harbour-bridge"
  "$VENV/bin/parallax" analyze examples/harbour-bridge
  "$VENV/bin/parallax" analyze examples/harbour-bridge --format html -o out/harbour-bridge.html
  "$VENV/bin/parallax" analyze examples/harbour-bridge --format json -o out/harbour-bridge.json
}

test_deps() {
  # Real components for the tests: Debian's chromium (browser tests) and PostgreSQL (store tests).
  command -v chromium >/dev/null 2>&1 || apt_install chromium || say "chromium unavailable: browser tests will skip"
  if [ -z "${PARALLAX_TEST_PG_URL:-}" ]; then
    if url=$(bash scripts/postgres.sh start 2>/tmp/parallax-pg.log); then
      export PARALLAX_TEST_PG_URL="$url"
    else
      say "PostgreSQL unavailable (see /tmp/parallax-pg.log): PostgreSQL tests will skip"
    fi
  fi
}

run_tests() {
  setup
  test_deps
  say "ruff"
  "$VENV/bin/ruff" check src tests bench
  say "mypy"
  "$VENV/bin/mypy" src
  say "pytest"
  local rc=0
  "$VENV/bin/python" -m pytest "$@" || rc=$?
  [ -f scripts/postgres.sh ] && bash scripts/postgres.sh stop >/dev/null 2>&1 || true
  # pytest exits 5 when it ran no test: that is a failure here, not a pass.
  return "$rc"
}

case "${1:-}" in
  setup) setup ;;
  demo) demo ;;
  test) shift; run_tests "$@" ;;
  *) echo "usage: ./tasks.sh demo | test [pytest args] | setup" >&2; exit 2 ;;
esac
