# Sourced by the other scripts. Chooses the toolchain that can build the browser bundle here and
# exports what every build needs, so the server and the WASM are always built the same way.
#
#  - rustup has the wasm32-unknown-unknown standard library: use rustup's toolchain as it is.
#  - it has not (machines that reach only the package registries cannot download it): use
#    Debian's rustc-web with its standard-library sources, and build the WASM's std from source
#    (-Zbuild-std, allowed on a stable compiler by RUSTC_BOOTSTRAP=1).
# shellcheck shell=bash

CRM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CRM_ROOT

if command -v rustup >/dev/null 2>&1 \
  && rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
  CRM_TOOLCHAIN=rustup
  CRM_LIB_CARGO_ARGS=()
else
  CRM_TOOLCHAIN=debian
  # /usr/bin first: cargo and rustc 1.96 from Debian for the server and the WASM alike.
  case ":$PATH:" in
    "/usr/bin:"*) ;;
    *) PATH="/usr/bin:$PATH" ;;
  esac
  export RUSTC_BOOTSTRAP=1
  CRM_LIB_CARGO_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
fi
export CRM_TOOLCHAIN

# Every cargo-leptos build splits the WASM at the lazy routes (app/src/routes.rs): without
# --split the lazy routes' loader is never generated and the bundle cannot load.
CRM_LEPTOS_ARGS=(--split "${CRM_LIB_CARGO_ARGS[@]}")

# Tools installed by scripts/setup: cargo-leptos and wasm-bindgen in cargo's bin folder, wasm-opt
# from npm's binaryen package.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *) PATH="$PATH:$CARGO_BIN" ;;
esac
PATH="$PATH:$CRM_ROOT/end2end/node_modules/.bin"
# The project's own tool wrappers come first (scripts/bin/wasm-opt: see its comment).
PATH="$CRM_ROOT/scripts/bin:$PATH"
export PATH

# Debian's Chromium, unless told otherwise.
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# The wasm-bindgen version the WASM is compiled against (the CLI must match it exactly).
crm_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$CRM_ROOT/Cargo.lock"
}

# Prints a phase's name and, when it ends, how long it took.
crm_phase_start() {
  CRM_PHASE_NAME="$1"
  CRM_PHASE_T0=$(date +%s)
  printf '\n==> %s\n' "$1"
}
crm_phase_end() {
  local seconds=$(($(date +%s) - CRM_PHASE_T0))
  printf '<== %s: %ss\n' "$CRM_PHASE_NAME" "$seconds"
  crm_phase_record "$CRM_PHASE_NAME" "$seconds"
}
# Remembers a phase's time for the table that crm_phase_table prints at the end.
CRM_PHASES=()
crm_phase_record() {
  CRM_PHASES+=("$1"$'\t'"$2")
}
crm_phase_table() {
  local row
  printf '\n| phase | seconds |\n| --- | ---: |\n'
  for row in "${CRM_PHASES[@]}"; do
    printf '| %s | %s |\n' "${row%%$'\t'*}" "${row##*$'\t'}"
  done
  printf '| **wall clock, whole run** | **%s** |\n' "$(($(date +%s) - CRM_RUN_T0))"
}
CRM_RUN_T0=$(date +%s)
