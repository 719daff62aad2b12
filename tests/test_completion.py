"""Shell completion from the argparse definition (argcomplete), loaded in the real
shells: commands, flags, --format values, files, and the macros of FILE."""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")

# zsh completes only inside its line editor: drive an interactive zsh through zpty,
# type the line and a tab, and print what the terminal shows.
ZSH_DRIVER = r"""
zmodload zsh/zpty
zpty -b z zsh -f -i
zpty -w z 'PS1=""; autoload -U compinit; compinit -u; eval "$(macrotrace completion zsh)"; print ready-marker'
zpty -r z out '*ready-marker*'
zpty -r z out '*ready-marker*'
zpty -n -w z "$1"$'\t'
repeat 40; do
  sleep 0.25
  while zpty -r -t z line; do print -r -- "$line"; done
done
zpty -d z
"""


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory):
    """PATH with a ``macrotrace`` that runs this checkout."""
    bindir = tmp_path_factory.mktemp("bin")
    wrapper = bindir / "macrotrace"
    wrapper.write_text('#!/bin/sh\nexec "%s" -m macrotrace "$@"\n' % sys.executable)
    wrapper.chmod(0o755)
    env = dict(os.environ, PATH="%s%s%s" % (bindir, os.pathsep, os.environ["PATH"]),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("_ARGCOMPLETE", None)
    return env


def bash_complete(env, line):
    script = r'''
source <(macrotrace completion bash)
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_python_argcomplete macrotrace "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''
    proc = subprocess.run(["bash", "-c", script, "bash", line], capture_output=True, text=True, env=env,
                          cwd=EXAMPLES, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


CASES = [
    ("macrotrace ex", ["expand"]),
    ("macrotrace trace --for", ["--format"]),
    ("macrotrace trace --format ", ["html", "json", "text"]),
    ("macrotrace trace module_init hel", ["hello.c"]),
    ("macrotrace trace mod", ["module_exit", "module_init"]),
    ("macrotrace MODULE_", ["MODULE_AUTHOR", "MODULE_DESCRIPTION", "MODULE_LICENSE"]),
    ("macrotrace module_init hello.c --ve", ["--verify"]),
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("line, expected", CASES)
def test_bash(shell_env, line, expected):
    assert sorted(bash_complete(shell_env, line)) == expected


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (.ci/run installs it)")
@pytest.mark.parametrize("line, expected", CASES)
def test_fish(shell_env, line, expected):
    proc = subprocess.run(["fish", "-c", 'macrotrace completion fish | source; complete -C "$argv[1]"', line],
                          capture_output=True, text=True, env=shell_env, cwd=EXAMPLES, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert sorted(row.split("\t")[0] for row in proc.stdout.splitlines()) == expected


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (.ci/run installs it)")
@pytest.mark.parametrize("line, expected", [
    ("macrotrace ex", "macrotrace expand "),
    ("macrotrace trace --format ", "html  json  text"),
    ("macrotrace trace module_init hel", "macrotrace trace module_init hello.c "),
    ("macrotrace MODULE_L", "macrotrace MODULE_LICENSE "),
])
def test_zsh(shell_env, line, expected, tmp_path):
    driver = tmp_path / "driver.zsh"
    driver.write_text(ZSH_DRIVER)
    proc = subprocess.run(["zsh", "-f", str(driver), line], capture_output=True, text=True, env=shell_env,
                          cwd=EXAMPLES, timeout=120)
    import re
    # the terminal gets the line in pieces: join them
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", proc.stdout).replace("\r", "").replace("\n", "")
    assert expected in screen, screen


def test_macro_names_of_a_file(tmp_path):
    from macrotrace.cli.completion import macro_names
    src = tmp_path / "m.c"
    src.write_text("#define LOCAL(x) x\n#include <linux/module.h>\nMODULE_LICENSE(\"GPL\");\n"
                   "static int f(void) { return helper(1); }\nmodule_init(f);\n"
                   "static struct r res = DEFINE_RES(1);\n")
    assert macro_names(str(src)) == {"LOCAL", "MODULE_LICENSE", "module_init"}
