"""Runs a systemd service unit's commands as systemd would, without systemd:
`systemd-analyze verify` checks a unit's syntax, this checks that its
commands work.

It reads the [Service] section as systemd.service(5), systemd.exec(5) and
systemd.syntax(7) say: comments (`#`, `;`), continuation lines (a trailing
backslash), the specifiers `%h %u %U %n %N %p %t %%`, `WorkingDirectory=`
(`-` for optional), `EnvironmentFile=` (`-` for optional; `KEY=VALUE`
lines, quotes, comments), `Environment=` (quoted assignments, later ones
win), and `ExecStartPre=`, `ExecStart=`, `ExecStartPost=`, `ExecStop=`,
`ExecStopPost=` (several lines each; an empty one resets the list), with
their prefixes `-` (a failure is ignored), `@` (the second word is argv[0]),
`:` (no `$VAR` expansion), `+ ! !!` (privileges: this runner is root
already). The sandboxing options a generated unit uses are applied as
SANDBOX says (PrivateTmp, ProtectHome, ProtectKernelTunables,
ProtectControlGroups in a mount namespace, NoNewPrivileges with setpriv);
the unit's `not_applied` lists the others it has. A command line is split into words with systemd's quoting (`"`,
`'`, backslash escapes), `${VAR}` becomes one word, `$VAR` unquoted splits
on spaces, and a command that is not an absolute path is looked up on
systemd's fixed search path.

The environment of the commands is systemd's: PATH as systemd sets it for
services, LANG, and for a user unit HOME; then the unit's
`EnvironmentFile=` and `Environment=`. `extra` adds what the test machine
needs on top (named by the caller: the Docker daemon's socket, Podman's
configuration file)."""

import os
import shutil
import subprocess

# systemd's PATH for the services it starts (no /snap or user folders).
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
EXEC_KEYS = ("ExecStartPre", "ExecStart", "ExecStartPost", "ExecStop", "ExecStopPost")
# Sandboxing of systemd.exec(5) that the runner applies, in a mount
# namespace of the commands' own (unshare) and with setpriv: what each
# makes of the file system, as shell lines run before the command.
SANDBOX = {
    ("PrivateTmp", "yes"): ["mount -t tmpfs tmpfs /tmp", "mount -t tmpfs tmpfs /var/tmp"],
    ("ProtectHome", "read-only"): [f"ro {d}" for d in ("/home", "/root", "/run/user")],
    ("ProtectHome", "yes"): [f"mount -t tmpfs -o ro tmpfs {d}" for d in ("/home", "/root", "/run/user")],
    ("ProtectKernelTunables", "yes"): ["ro /proc/sys", "ro /sys"],
    ("ProtectControlGroups", "yes"): ["ro /sys/fs/cgroup"],
}
# Sandboxing it does not apply (no effect on what a compose client does
# with files; systemd-analyze verify checks their syntax).
NOT_APPLIED = {"ProtectKernelModules", "RestrictSUIDSGID"}


class UnitError(Exception):
    pass


def sections(text):
    """{section: [(key, value)]}, continuation lines joined."""
    out, current, pending = {}, None, ""
    for raw in text.splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, [])
            continue
        if current is None or "=" not in line:
            raise UnitError(f"not a unit line: {line!r}")
        key, value = line.split("=", 1)
        out[current].append((key.strip(), value.strip()))
    return out


def specifiers(value, unit_name, home, user):
    """`%h` and the other specifiers a generated unit may use."""
    prefix = unit_name.rsplit(".", 1)[0]
    table = {"h": home, "u": user, "U": str(os.getuid()), "n": unit_name, "N": prefix,
             "p": prefix.split("@", 1)[0], "t": os.environ.get("XDG_RUNTIME_DIR", "/run"), "%": "%"}
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "%" and i + 1 < len(value):
            key = value[i + 1]
            if key not in table:
                raise UnitError(f"specifier %{key} is not one this runner knows: {value!r}")
            out.append(table[key])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "s": " ", "a": "\a", "b": "\b",
           "f": "\f", "v": "\v"}


def words(line):
    """A command line split as systemd splits it: [(word, quoted?)]."""
    out, i, n = [], 0, len(line)
    while i < n:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            break
        word, quoted = [], False
        while i < n and line[i] not in " \t":
            c = line[i]
            if c in "\"'":
                quoted = True
                end = i + 1
                while end < n and line[end] != c:
                    if line[end] == "\\" and end + 1 < n:
                        word.append(ESCAPES.get(line[end + 1], line[end + 1]))
                        end += 2
                        continue
                    word.append(line[end])
                    end += 1
                if end >= n:
                    raise UnitError(f"unbalanced quotes: {line!r}")
                i = end + 1
            elif c == "\\" and i + 1 < n:
                word.append(ESCAPES.get(line[i + 1], line[i + 1]))
                i += 2
            else:
                word.append(c)
                i += 1
        out.append(("".join(word), quoted))
    return out


def expand(word, quoted, env):
    """`${VAR}` (one word) and `$VAR` (split on whitespace when unquoted)."""
    if not quoted and word.startswith("$") and not word.startswith("${"):
        name = word[1:]
        if name.isidentifier():
            return env.get(name, "").split()
    out, i = [], 0
    while i < len(word):
        if word.startswith("${", i) and "}" in word[i:]:
            end = word.index("}", i)
            out.append(env.get(word[i + 2:end], ""))
            i = end + 1
        else:
            out.append(word[i])
            i += 1
    return ["".join(out)]


def read_environment_file(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for key, value in sections("[x]\n" + text).get("x", []):
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key] = value
    return env


def assignments(value):
    """`Environment=` text: `A=1 "B=two words"`."""
    env = {}
    for word, _ in words(value):
        if "=" not in word:
            raise UnitError(f"not an assignment in Environment=: {word!r}")
        key, val = word.split("=", 1)
        env[key] = val
    return env


class Unit:
    """A service unit, read; `home` and `user` are what `%h` and `%u` stand
    for (root's, or a user's for a user unit)."""

    def __init__(self, path, home="/root", user="root", extra=None):
        self.name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            parsed = sections(f.read())
        service = parsed.get("Service")
        if service is None:
            raise UnitError(f"{self.name} has no [Service] section")
        expand_specifiers = lambda v: specifiers(v, self.name, home, user)
        self.working_directory = None
        self.environment_files = []
        self.environment = {}
        self.commands = {key: [] for key in EXEC_KEYS}
        self.sandbox = []
        self.no_new_privileges = False
        self.not_applied = []
        for key, value in service:
            if (key, value) in SANDBOX:
                self.sandbox += SANDBOX[(key, value)]
            elif key == "NoNewPrivileges":
                self.no_new_privileges = value == "yes"
            elif key in NOT_APPLIED or key.startswith(("Protect", "Private", "Restrict")):
                self.not_applied.append(f"{key}={value}")
            if key == "WorkingDirectory":
                optional = value.startswith("-")
                self.working_directory = (expand_specifiers(value.lstrip("-")), optional)
            elif key == "EnvironmentFile":
                optional = value.startswith("-")
                self.environment_files.append((expand_specifiers(value.lstrip("-")), optional))
            elif key == "Environment":
                self.environment.update(assignments(expand_specifiers(value)))
            elif key in self.commands:
                if value == "":
                    self.commands[key] = []
                else:
                    self.commands[key].append(expand_specifiers(value))
        self.base_env = {"PATH": SYSTEMD_PATH, "LANG": "C.UTF-8"}
        if user != "root":
            self.base_env["HOME"] = home
        self.base_env.update(extra or {})

    def env(self):
        env = dict(self.base_env)
        for path, optional in self.environment_files:
            if not os.path.exists(path):
                if optional:
                    continue
                raise UnitError(f"EnvironmentFile={path} does not exist")
            env.update(read_environment_file(path))
        env.update(self.environment)
        return env

    def argv(self, line, env):
        prefixes = ""
        while line and line[0] in "-@:+!":
            prefixes += line[0]
            line = line[1:]
        split = words(line)
        if not split:
            raise UnitError(f"an empty command: {line!r}")
        argv = []
        for word, quoted in split:
            argv += [word] if ":" in prefixes else expand(word, quoted, env)
        if "@" in prefixes:
            argv = [argv[0]] + argv[2:]
        program = argv[0]
        if not program.startswith("/"):
            found = shutil.which(program, path=SYSTEMD_PATH)
            if not found:
                raise UnitError(f"{program}: not on systemd's search path {SYSTEMD_PATH}")
            argv[0] = found
        return argv, "-" in prefixes

    def sandboxed(self, argv):
        """The command inside the unit's sandbox: a private mount namespace
        with what SANDBOX says mounted, then setpriv for NoNewPrivileges."""
        if not self.sandbox and not self.no_new_privileges:
            return argv
        lines = []
        for step in self.sandbox:
            if step.startswith("ro "):
                path = step[3:]
                lines.append(f"if [ -e {path} ]; then mount -o bind {path} {path} && "
                             f"mount -o remount,bind,ro {path}; fi")
            else:
                lines.append(f"if [ -e {step.split()[-1]} ]; then {step}; fi")
        run = 'exec setpriv --no-new-privs "$@"' if self.no_new_privileges else 'exec "$@"'
        script = "set -e\n" + "\n".join(lines + [run])
        return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", *argv]

    def run(self, phase):
        """Runs the commands of `start` (ExecStartPre, ExecStart,
        ExecStartPost) or `stop` (ExecStop, ExecStopPost) in order; returns
        [(command, exit code, output)], stopping at the first failure that
        is not ignored."""
        keys = EXEC_KEYS[:3] if phase == "start" else EXEC_KEYS[3:]
        cwd = None
        if self.working_directory:
            path, optional = self.working_directory
            if os.path.isdir(path):
                cwd = path
            elif not optional:
                raise UnitError(f"WorkingDirectory={path} does not exist")
        env = self.env()
        done = []
        for key in keys:
            for line in self.commands[key]:
                argv, ignore = self.argv(line, env)
                result = subprocess.run(self.sandboxed(argv), cwd=cwd, env=env, capture_output=True, text=True)
                done.append((" ".join(argv), result.returncode, (result.stdout + result.stderr).strip()))
                if result.returncode != 0 and not ignore:
                    return done
        return done


def selftest():
    """The reader on the forms systemd documents (systemd.syntax(7))."""
    assert words('a "b c" \'d\' e\\ f') == [("a", False), ("b c", True), ("d", True), ("e f", False)]
    assert expand("${X}", False, {"X": "1 2"}) == ["1 2"]
    assert expand("$X", False, {"X": "1 2"}) == ["1", "2"]
    assert expand("--a=${X}", False, {"X": "v"}) == ["--a=v"]
    assert specifiers("%h/x%%", "a.service", "/home/u", "u") == "/home/u/x%"
    assert sections("[S]\nA=1 \\\n  2\n# c\n; c\nB=\n") == {"S": [("A", "1 2"), ("B", "")]}
    assert assignments('A=1 "B=two words"') == {"A": "1", "B": "two words"}
