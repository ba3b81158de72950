"""Runs Python command-line tools many times without paying their start-up.

The differential test (tests/differential.rs) feeds thousands of generated
compose files to docker-compose v1 and podman-compose, both Python programs
that spend half a second importing themselves before reading a file. This
server imports the modules named on its command line once, then serves one
request per line of standard input and answers with one line of JSON:

  {"script": PATH, "argv": [...], "cwd": DIR, "env": {...}}
      runs the console script PATH as `PATH ARGV...` in DIR with exactly ENV,
      in a forked child (so no state of one run reaches the next), and
      answers {"code": N, "stdout": "...", "stderr": "..."}
  {"yaml": PATH}
      answers {"value": ...} with the file as PyYAML's safe_load reads it
      (YAML 1.1); a value JSON has no type for (a date, a timestamp) comes
      back as {"$python": TYPE, "repr": "..."}, or {"error": "..."}

The child runs the very script the command line would (runpy, as
`__main__`); only the imports its parent already made are shared.
"""

import json
import os
import runpy
import sys
import tempfile
import traceback

for module in sys.argv[1:]:
    __import__(module)
import yaml  # noqa: E402  (after the tool's own imports, which may bring it)


def run(request):
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            sys.argv = [request["script"]] + request["argv"]
            try:
                runpy.run_path(request["script"], run_name="__main__")
                code = 0
            except SystemExit as e:
                if e.code is None:
                    code = 0
                elif isinstance(e.code, int):
                    code = e.code
                else:
                    print(e.code, file=sys.stderr)
                    code = 1
            except BaseException:  # noqa: B902  (report whatever the tool raised)
                traceback.print_exc()
                code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return {
        "code": code,
        "stdout": out.read().decode("utf-8", "replace"),
        "stderr": err.read().decode("utf-8", "replace"),
    }


def not_json(value):
    return {"$python": type(value).__name__, "repr": repr(value)}


def load_yaml(request):
    try:
        with open(request["yaml"], encoding="utf-8") as f:
            return {"value": yaml.safe_load(f)}
    except Exception as e:  # noqa: B902  (a reader's complaint is the answer)
        return {"error": f"{type(e).__name__}: {e}"}


def main():
    for line in sys.stdin:
        request = json.loads(line)
        answer = load_yaml(request) if "yaml" in request else run(request)
        sys.stdout.write(json.dumps(answer, default=not_json) + "\n")
        sys.stdout.flush()


main()
