"""End to end: compile deployments with onefront and run them for real under
Podman (podman-compose), on the stand-in image of standin.py, then check
what the reference promises:

- every container starts (a missing required parameter stops the stand-in);
- each container sees exactly parameters its services read, the secrets
  only where they are read, with the values given;
- published ports answer on 127.0.0.1 at the published numbers, from the
  container that runs the service behind them (TCP and UDP);
- a volume shared by several services is one volume: a file one container
  writes there is seen by every other user, and by no other container;
- every `*_HOST` parameter names a container that resolves on the project
  network and runs that service;
- a deliberately broken compile (one `*_HOST` removed) is caught.

Everything it starts is removed again, also on failure. Prints one line per
check and closes with `N passed, M failed`; exits non-zero on any failure.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import standin
import yaml

REPO = Path(__file__).resolve().parents[2]
ONEFRONT = os.environ.get("ONEFRONT_BIN", str(REPO / "target" / "debug" / "onefront"))
PODMAN = "podman"
PODMAN_COMPOSE = os.environ.get("PODMAN_COMPOSE", "podman-compose")
SECRETS = {"ONEADMIN_PASSWORD": "e2e-oneadmin-secret", "MYSQL_PASSWORD": "e2e-mysql-secret"}
# The parameter that chooses a container's service (standin.service_param).
SERVICE_PARAM = {}
# Reference fact (volumes.tsv): sshd mounts this volume at another path.
MOUNTED_ELSEWHERE = {("opennebula_oneadmin_ssh_copyback", "sshd"): "/var/lib/one/.ssh"}

HEAD = """onefront 5.13
"""

SCENARIOS = {
    # S1 on loopback; SSH moved off 22, which the host may use.
    "s1": """
deployment e2e-s1 {
  layout all-in-one
  bind 127.0.0.1
  publish ssh 2222
  env {
    OPENNEBULA_FRONTEND_HOST = "127.0.0.1"
    OPENNEBULA_FRONTEND_SSH_HOST = "127.0.0.1"
    ONEADMIN_PASSWORD = secret
  }
}
""",
    # S2 on loopback, every container.
    "s2": """
deployment e2e-s2 {
  layout reference
  bind 127.0.0.1
  publish ssh 2222
  env {
    OPENNEBULA_FRONTEND_HOST = "127.0.0.1"
    OPENNEBULA_FRONTEND_SSH_HOST = "127.0.0.1"
    ONEADMIN_PASSWORD = secret
    MYSQL_PASSWORD = secret
  }
}
""",
    # Customised: ports moved, oned's API from its plain side, monitord moved
    # on both sides, a certificate directory bind-mounted, docker left out.
    "custom": """
deployment e2e-custom {
  layout reference
  bind 127.0.0.1
  publish ssh 2223
  publish sunstone.http 8080
  publish sunstone.https 8443
  publish oned.api 12633 from plain
  publish monitord 14124
  mount CERTS at /certs readonly
  without docker
  env {
    OPENNEBULA_FRONTEND_HOST = "127.0.0.1"
    OPENNEBULA_FRONTEND_SSH_HOST = "127.0.0.1"
    MYSQL_PASSWORD = secret
    TLS_CERT = /certs/cert.pem
    TLS_KEY = /certs/cert.key
  }
}
""",
}

# What must answer where: (host port, protocol, service behind it).
PORTS = {
    "s1": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
           (2633, "tcp", "oned"), (5030, "tcp", "onegate"), (2474, "tcp", "oneflow"), (4124, "tcp", "oned"),
           (4124, "udp", "oned")],
    "s2": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
           (2633, "tcp", "oned"), (5030, "tcp", "onegate"), (2474, "tcp", "oneflow"), (4124, "tcp", "oned"),
           (4124, "udp", "oned")],
    "custom": [(2223, "tcp", "sshd"), (8080, "tcp", "sunstone"), (8443, "tcp", "sunstone"), (12633, "tcp", "oned"),
               (14124, "tcp", "oned"), (14124, "udp", "oned"), (5030, "tcp", "onegate")],
}


class Report:
    def __init__(self, failure="FAILED"):
        self.passed = 0
        self.failed = 0
        self.failure = failure

    def check(self, ok, what):
        print(("ok     " if ok else f"{self.failure:<6} ") + what, flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def run(*args, check=True, **kwargs):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)


def compile_scenario(name, work, sabotage=False):
    source = work / f"{name}.onefront"
    certs = work / "certs"
    certs.mkdir(exist_ok=True)
    (certs / "cert.pem").write_text("certificate\n")
    (certs / "cert.key").write_text("key\n")
    source.write_text(HEAD + SCENARIOS[name].replace("CERTS", str(certs)))
    out = work / f"out-{name}"
    result = run(ONEFRONT, "compile", str(source), "-o", str(out), check=False)
    if result.returncode != 0:
        raise RuntimeError(f"onefront compile {name}: {result.stderr}")
    (project,) = [p for p in out.iterdir() if p.is_dir()]
    compose = project / "docker-compose.yml"
    if sabotage:
        # A wrong compile: oned loses the parameter that names its database.
        text = compose.read_text()
        head, oned, tail = text.partition("\n  opennebula-oned:\n")
        broken = head + oned + re.sub(r"\n      MYSQL_HOST: \"[^\"]*\"", "", tail, count=1)
        assert broken != text, "nothing to sabotage"
        compose.write_text(broken)
    return project, compose


def compose_cmd(project, compose, *args):
    return [PODMAN_COMPOSE, "--project-name", project.name, "--file", str(compose), *args]


def containers(project):
    out = run(PODMAN, "ps", "-a", "--filter", f"label=io.podman.compose.project={project.name}", "--format", "json")
    return json.loads(out.stdout or "[]")


def service_of(compose_model, container):
    labels = container.get("Labels") or {}
    name = labels.get("com.docker.compose.service") or labels.get("io.podman.compose.service")
    return name, compose_model["services"][name]


def exec_in(container_id, *command):
    return run(PODMAN, "exec", container_id, *command, check=False)


def read_env(container_id):
    out = exec_in(container_id, "cat", "/tmp/standin.env").stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def check_started(report, project, compose_model):
    found = containers(project)
    names = sorted(service_of(compose_model, c)[0] for c in found)
    report.check(names == sorted(compose_model["services"]), f"{project.name}: one container per service {names}")
    for c in found:
        running = c.get("State") == "running"
        if not running:
            logs = run(PODMAN, "logs", c["Id"], check=False)
            print("       " + (logs.stdout + logs.stderr).strip().replace("\n", "\n       "))
        report.check(running, f"{project.name}: {service_of(compose_model, c)[0]} is running")
    return found


def service_running(compose_model, service_name):
    env = compose_model["services"][service_name].get("environment") or {}
    return env.get(SERVICE_PARAM["name"], SERVICE_PARAM["default"])


def check_environment(report, reference, scenario_name, project, compose_model, found):
    params = {p["name"]: p for p in reference["params"]}
    for c in found:
        name, _ = service_of(compose_model, c)
        service = service_running(compose_model, name)
        env = read_env(c["Id"])
        seen = {k: v for k, v in env.items() if k in params}
        stray = [k for k in seen if not (service == "all" or params[k]["affects"] == "*"
                                          or service in params[k]["affects"].split(","))]
        report.check(not stray, f"{project.name}: {name} ({service}) gets only what it reads {stray or ''}")
        for secret, value in SECRETS.items():
            given = f"{secret} = secret" in SCENARIOS[scenario_name]
            reads = given and (service == "all" or service in params[secret]["affects"].split(","))
            has = seen.get(secret)
            if has is not None or reads:
                report.check(has == value if reads else False,
                             f"{project.name}: {name} {'has' if reads else 'lacks'} {secret}")


def check_ports(report, scenario, project):
    for port, proto, service in PORTS[scenario]:
        if proto == "tcp":
            answer = ""
            for _ in range(20):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                        answer = s.recv(64).decode().strip()
                    if answer:
                        break
                except OSError:
                    pass
                time.sleep(0.5)
            report.check(answer == service, f"{project.name}: 127.0.0.1:{port}/tcp answers {answer!r}, want {service!r}")
        else:
            probe = f"probe-{port}"
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for _ in range(5):
                    s.sendto(probe.encode() + b"\n", ("127.0.0.1", port))
                    time.sleep(0.2)
            got = any(probe in exec_in(c["Id"], "cat", f"/tmp/udp-{port}").stdout for c in containers(project))
            report.check(got, f"{project.name}: 127.0.0.1:{port}/udp reaches {service}")


def check_volumes(report, reference, project, compose_model, found):
    if len(found) < 2:
        return
    by_service = {}
    for c in found:
        name, _ = service_of(compose_model, c)
        by_service[name] = (c["Id"], service_running(compose_model, name))
    for row in reference["volumes"]:
        volume = row["canonical_volume"]
        if volume == "-" or row["used_by"] == "-":
            continue
        users = row["used_by"].split(",")
        mine = [(n, cid, s) for n, (cid, s) in by_service.items() if s in users]
        if len(mine) < 2:
            continue
        path = lambda s: MOUNTED_ELSEWHERE.get((volume, s), row["path"])
        probe = f".probe-{volume}"
        writer_name, writer, writer_service = mine[0]
        exec_in(writer, "touch", f"{path(writer_service)}/{probe}")
        for n, (cid, s) in by_service.items():
            where = path(s)
            seen = exec_in(cid, "test", "-e", f"{where}/{probe}").returncode == 0
            should = s in users
            report.check(seen == should, f"{project.name}: {volume} written by {writer_name} {'seen' if should else 'not seen'} in {n}")


def check_hosts(report, reference, project, compose_model, found):
    locators = {p["name"]: p for p in reference["params"] if p.get("locates")}
    listen = {}
    for row in reference["ports"]:
        if row["condition"] in ("-", "internal"):
            listen.setdefault(row["service"], row["port"])
    running = {service_running(compose_model, service_of(compose_model, c)[0]) for c in found}
    for c in found:
        name, _ = service_of(compose_model, c)
        service = service_running(compose_model, name)
        env = read_env(c["Id"])
        for param, row in locators.items():
            target = row["locates"]
            needed = service in row["required_for"].split(",") and target in running and target != service
            if not needed:
                continue
            host = env.get(param)
            answer = ""
            if host and target in listen:
                answer = exec_in(c["Id"], "sh", "-c", f"nc -w 3 {host} {listen[target]} </dev/null").stdout.strip()
            report.check(answer == target, f"{project.name}: {name} reaches {target} through {param}={host!r}")


def scenario(report, reference, name, work, sabotage=False):
    project, compose = compile_scenario(name, work, sabotage)
    env = {**os.environ, **SECRETS}
    model = yaml.safe_load(run(*compose_cmd(project, compose, "config"), env=env).stdout)
    try:
        up = run(*compose_cmd(project, compose, "up", "--detach"), env=env, check=False)
        why = "" if up.returncode == 0 else f" ({up.stderr.strip()[-300:]})"
        report.check(up.returncode == 0, f"{project.name}: podman-compose up{why}")
        time.sleep(3)
        check_started(report, project, model)
        running = [c for c in containers(project) if c.get("State") == "running"]
        check_environment(report, reference, name, project, model, running)
        check_ports(report, name, project)
        check_volumes(report, reference, project, model, running)
        check_hosts(report, reference, project, model, running)
    finally:
        run(*compose_cmd(project, compose, "down", "--volumes"), env=env, check=False)
        for c in containers(project):
            run(PODMAN, "rm", "--force", "--volumes", c["Id"], check=False)


def main():
    start = time.monotonic()
    report = Report()
    # Every scenario is written for 5.13: its stand-in, under the name the
    # compiled .env gives the image.
    reference, image = standin.build(PODMAN, ONEFRONT, os.environ["UDP_LISTEN"], "5.13")
    run(PODMAN, "tag", image, "localhost/opennebula:5.13")
    SERVICE_PARAM.update(standin.service_param(reference))
    with tempfile.TemporaryDirectory(prefix="onefront-e2e-") as work:
        work = Path(work)
        for name in SCENARIOS:
            scenario(report, reference, name, work)
        # The harness itself: a compile with one *_HOST missing must fail.
        caught = Report(failure="caught")
        print("-- sabotaged s2 (one MYSQL_HOST dropped): the harness must catch it", flush=True)
        scenario(caught, reference, "s2", work, sabotage=True)
        report.check(caught.failed > 0, f"the harness catches a compile that drops MYSQL_HOST ({caught.failed} checks failed)")
    print(f"e2e wall time: {time.monotonic() - start:.0f} s")
    print(f"e2e: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
