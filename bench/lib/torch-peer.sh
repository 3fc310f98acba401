# shellcheck shell=bash
# The PyTorch peer's Python, sourced by the bench scripts (docs/BENCHMARKS.md). torch_peer_python sets
# TORCH_PY (the interpreter) and TORCH_LABEL (what it is: PyTorch, Python and NumPy versions, and where it came from):
#   1. CDAE_TORCH_VENV=DIR: a virtual environment made earlier (by this function or by hand), used as it is when
#      torch imports there;
#   2. otherwise the benchmark's own venv, bench/target/torch-venv (or CDAE_TORCH_VENV when it does not exist
#      yet): created with `python3 -m venv` and `pip install torch numpy pandas` (PyTorch 2.x from pip; minutes);
#   3. only if that fails: Debian's python3-torch (1.13.1 on Debian 12), labelled as such.
# Fails when none works.
torch_peer_python() {
  local root venv
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  venv="${CDAE_TORCH_VENV:-$root/bench/target/torch-venv}"
  TORCH_PY=""
  if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import torch, numpy, pandas' 2>/dev/null; then
    TORCH_PY="$venv/bin/python"
    TORCH_ORIGIN="pip, venv $venv"
  else
    echo "creating the PyTorch peer's venv in $venv (python3 -m venv; pip install torch numpy pandas)" >&2
    if python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q torch numpy pandas >&2 \
        && "$venv/bin/python" -c 'import torch' 2>/dev/null; then
      TORCH_PY="$venv/bin/python"
      TORCH_ORIGIN="pip, venv $venv"
    elif /usr/bin/python3 -c 'import torch, numpy, pandas' 2>/dev/null; then
      echo "pip install torch failed: falling back to Debian's python3-torch" >&2
      TORCH_PY=/usr/bin/python3
      TORCH_ORIGIN="Debian python3-torch (FALLBACK: pip install failed)"
    else
      echo "no PyTorch: pip install torch failed in $venv and Debian's python3-torch (with numpy, pandas) is not installed" >&2
      return 1
    fi
  fi
  TORCH_LABEL="PyTorch $("$TORCH_PY" -c 'import torch; print(torch.__version__)' 2>/dev/null), Python $("$TORCH_PY" -c 'import platform; print(platform.python_version())'), NumPy $("$TORCH_PY" -c 'import numpy; print(numpy.__version__)' 2>/dev/null) ($TORCH_ORIGIN)"
}
