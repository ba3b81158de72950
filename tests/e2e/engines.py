"""The container engines and compose tools the end-to-end tiers drive, behind
one interface: rootful Podman with podman-compose, and Docker Engine (the
daemon scripts/test-slow starts, reached through $DOCKER_HOST) with the real
Compose v2 binary or Debian's docker-compose 1.29.2 (Compose v1).

Everything the harness asks an engine (its containers of a project, their
state, labels, inspect data, exec, logs, image tags) goes through here, in
the shape Podman's JSON gives it: {"Id", "State", "Labels"}."""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("ONEFRONT_TOOLS", REPO / ".tools"))


def run(*args, check=True, **kwargs):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)


class Engine:
    """A container engine: `podman` or `docker`."""

    def __init__(self, name, env=None):
        self.name = name
        # What its commands need beyond the harness's environment (Docker:
        # the socket of the daemon the tier started).
        self.env = {**os.environ, **(env or {})}
        # The label compose tools put the project name in.
        self.project_label = "io.podman.compose.project" if name == "podman" else "com.docker.compose.project"

    def run(self, *args, check=True, **kwargs):
        return run(self.name, *args, check=check, env=self.env, **kwargs)

    def version(self):
        """The engine's version (Podman has no server of its own)."""
        side = "Client" if self.name == "podman" else "Server"
        return self.run("version", "--format", f"{{{{.{side}.Version}}}}").stdout.strip()

    def containers(self, project_name):
        """The containers of a compose project, running or not."""
        label = f"label={self.project_label}={project_name}"
        if self.name == "podman":
            out = self.run("ps", "-a", "--filter", label, "--format", "json")
            return json.loads(out.stdout or "[]")
        ids = self.run("ps", "-aq", "--filter", label).stdout.split()
        if not ids:
            return []
        found = []
        for data in json.loads(self.run("inspect", *ids).stdout):
            found.append({"Id": data["Id"], "State": data["State"]["Status"],
                          "Labels": data["Config"].get("Labels") or {}})
        return found

    def inspect(self, container_id):
        (data,) = json.loads(self.run("inspect", container_id).stdout)
        return data

    def exec_in(self, container_id, *command):
        return self.run("exec", container_id, *command, check=False)

    def logs(self, container_id):
        out = self.run("logs", container_id, check=False)
        return (out.stdout + out.stderr).strip()

    def tag(self, image, wanted):
        self.run("tag", image, wanted)

    def remove(self, container_id):
        self.run("rm", "--force", "--volumes", container_id, check=False)

    def volumes(self, project_name):
        """The named volumes compose created for a project."""
        out = self.run("volume", "ls", "--format", "{{.Name}}").stdout.split()
        return sorted(v for v in out if v.startswith(f"{project_name}_"))

    def import_image(self, tar, image, entrypoint):
        """An image from a root file system tarball."""
        subprocess.run([self.name, "import", "--change", f"ENTRYPOINT {json.dumps(entrypoint)}", "-", image],
                       env=self.env, input=tar, check=True, capture_output=True)


class Compose:
    """A compose tool run on one project: its `config`, `up`, `down`."""

    def __init__(self, name, argv, engine, overrides=()):
        self.name = name
        self.argv = argv
        self.engine = engine
        # Extra compose files given after the project's own (the Docker
        # tier's privileged override).
        self.overrides = list(overrides)

    def command(self, project, compose, *args):
        files = []
        for f in [compose, *self.overrides]:
            files += ["--file", str(f)]
        if self.name == "podman-compose":
            return [*self.argv, "--project-name", project.name, *files, *args]
        return [*self.argv, "--project-name", project.name, "--project-directory", str(project), *files, *args]

    def run_version(self):
        """The tool's own version."""
        out = run(*self.argv, "version", check=False, env=self.engine.env)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"

    def run(self, project, compose, *args, env=None, check=True):
        return run(*self.command(project, compose, *args), check=check, env={**self.engine.env, **(env or {})})


def podman():
    engine = Engine("podman")
    tool = os.environ.get("PODMAN_COMPOSE", "podman-compose")
    return engine, {"podman-compose": Compose("podman-compose", [tool], engine)}


def docker(overrides=()):
    engine = Engine("docker", {"DOCKER_HOST": os.environ["DOCKER_HOST"]})
    v2 = str(TOOLS / "bin" / "docker-compose")
    return engine, {
        "compose v2": Compose("compose v2", [v2], engine, overrides),
        "compose v1": Compose("compose v1", ["/usr/bin/docker-compose"], engine, overrides),
    }
