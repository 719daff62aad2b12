"""The README's CI recipe, run as written: its GitHub Actions job's ``run:`` steps and its
pre-commit hook, in a fresh virtual environment where macrotrace is installed from
this checkout, on a small project whose source is then edited.  A README that
installs the wrong package, or a step that no longer works, fails here."""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
HELLO = os.path.join(REPO, "examples", "hello.c")


def _ci_section():
    with open(os.path.join(REPO, "README.md")) as fh:
        text = fh.read()
    start = text.index("## Expansions in CI")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _blocks(section, language):
    return re.findall(r"```%s\n(.*?)```" % language, section, re.S)


def recipe():
    """(snapshot command, the job's env, its run: steps, the pre-commit entry)."""
    section = _ci_section()
    snapshot = next(l for b in _blocks(section, "sh") for l in b.splitlines()
                    if l.startswith("macrotrace snapshot "))
    job = next(b for b in _blocks(section, "yaml") if "runs-on:" in b)
    hook = next(b for b in _blocks(section, "yaml") if "hooks:" in b)
    env = dict(re.findall(r"^    (\w+): (\S+)$", job.split("steps:")[0], re.M))
    runs = re.findall(r"^\s*- run: (.*)$", job, re.M)
    entry = re.search(r"^\s*entry: (.*)$", hook, re.M).group(1)
    return snapshot, env, runs, entry


def _shell(command, cwd, env):
    proc = subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)
    return proc.returncode, proc.stdout, proc.stderr


def test_readme_ci_recipe_in_a_fresh_venv(tmp_path):
    snapshot, job_env, runs, entry = recipe()
    assert "MACROTRACE" in job_env and len(runs) == 2, (job_env, runs)
    install, check = runs
    assert "pip install macrotrace" not in install     # that name is another project

    # a copy of this checkout (pip builds in it), and a fresh venv
    checkout = str(tmp_path / "macrotrace")
    shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", ".pytest_cache", "tests", "benchmarks"))
    venv = str(tmp_path / "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MACROTRACE"))}
    env.update(PATH=os.path.join(venv, "bin") + os.pathsep + env.get("PATH", ""), VIRTUAL_ENV=venv,
               MACROTRACE=checkout, PIP_DISABLE_PIP_VERSION_CHECK="1", HOME=str(tmp_path / "home"))

    project = str(tmp_path / "project")
    os.makedirs(os.path.join(project, ".git"))
    os.makedirs(os.path.join(project, "drivers"))
    shutil.copy(HELLO, os.path.join(project, "drivers", "hello.c"))
    with open(HELLO) as fh:
        second = fh.read().replace("hello", "second")
    with open(os.path.join(project, "drivers", "second.c"), "w") as fh:
        fh.write(second)

    status, out, err = _shell(install, project, env)
    assert status == 0, out[-2000:] + err[-2000:]
    assert os.path.exists(os.path.join(venv, "bin", "macrotrace"))
    status, out, err = _shell(snapshot, project, env)
    assert status == 0, out + err
    assert sorted(os.listdir(os.path.join(project, "expansions", "drivers"))) == [
        "hello.c.module_init.json", "second.c.module_init.json"]

    def ci():
        """The check step of both shards: (exit statuses, annotation lines)."""
        statuses, lines = [], []
        for shard in (1, 2):
            status, out, err = _shell(check.replace("${{ matrix.shard }}", str(shard)), project, env)
            assert status in (0, 1), out + err
            statuses.append(status)
            lines += out.splitlines()
        return statuses, lines

    assert ci() == ([0, 0], [])

    # an edit above the invocation: renumbered, reported, not failed
    hello = os.path.join(project, "drivers", "hello.c")
    with open(hello) as fh:
        text = fh.read()
    with open(hello, "w") as fh:
        fh.write("// a new first line\n" + text)
    statuses, lines = ci()
    assert statuses == [0, 0]
    assert len(lines) == 1 and lines[0].startswith(
        "::notice file=drivers/hello.c,line=21,title=renumbered::module_init(hello_init) renumbered: "
        "__LINE__ 20 -> 21"), lines

    # a real change: another #if branch taken by module_init, at its current line
    with open(hello, "w") as fh:
        fh.write("#define MODULE\n// a new first line\n" + text)
    statuses, lines = ci()
    assert sorted(statuses) == [0, 1]
    assert len(lines) == 1 and lines[0].startswith(
        "::error file=drivers/hello.c,line=22,title=step 1 (module_init)%3A another definition of "
        "module_init::module_init(hello_init) expansion changed (was at line 20) [4 configurations]"), lines
    junit = ET.parse(os.path.join(project, "expansions-junit.xml")).getroot()
    assert junit.get("tests") == "1"        # the last shard's

    # the pre-commit hook fails the commit
    status, out, err = _shell(entry, project, env)
    assert status == 1 and "CHANGED expansions/drivers/hello.c.module_init.json" in out, out + err
