"""End to end: compile deployments with onefront and run them for real under
Podman (podman-compose), on the stand-in image of standin.py built for the
deployment's reference version, then check what that reference promises.
The deployments: S1, S2 and a customised one (5.13), and the reference
example migrated to 6.0 with `onefront migrate` (its reference layout). For
each:

- every container starts (a missing required parameter stops the stand-in);
- each container sees exactly parameters its services read, the secrets
  only where they are read, with the values given;
- published ports answer on 127.0.0.1 at the published numbers, from the
  container that runs the service behind them (TCP and UDP);
- a volume shared by several services is one volume: a file one container
  writes there is seen by every other user, and by no other container;
- every `*_HOST` parameter names a container that resolves on the project
  network and runs that service;
- the restart policy podman reports is the compose file's, and where the
  compose file takes it from `.env` (6.0: DEPLOY_RESTART_POLICY), the value
  there;
- every published port is bound to the host address of the deploy
  parameter that the deploy table gives its container (6.0: OneGate on
  DEPLOY_BIND_ONEGATE_ADDR, which the 6.0 run moves to 127.0.0.2 in `.env`);
- a `security_opt` of the compose file (6.0: oned's
  `apparmor=${DEPLOY_APPARMOR_PROFILE}`) reaches podman with the `.env`
  value;
- deliberately broken compiles are caught: S2 with one `*_HOST` removed,
  and the 6.0 deployment with a parameter that 6.0 requires removed (the
  6.0 stand-in must refuse to start that container).

Everything it starts is removed again, also on failure. Prints one line per
check and closes with `N passed, M failed`; exits non-zero on any failure.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import engines
import standin
import units
import yaml

REPO = Path(__file__).resolve().parents[2]
ONEFRONT = os.environ.get("ONEFRONT_BIN", str(REPO / "target" / "debug" / "onefront"))
# The engine and compose tool of the scenario under way (see `use`).
ENGINE = None
COMPOSE = None
SECRETS = {"ONEADMIN_PASSWORD": "e2e-oneadmin-secret", "MYSQL_PASSWORD": "e2e-mysql-secret"}
# Reference fact (volumes.tsv): sshd mounts this volume at another path.
MOUNTED_ELSEWHERE = {("opennebula_oneadmin_ssh_copyback", "sshd"): "/var/lib/one/.ssh"}

HEAD = """onefront 5.13
"""
EXAMPLE = REPO / "examples" / "reference.onefront"
# The 6.0 run moves OneGate's address apart from the others, in `.env`
# (where upstream's 6.0 bundle wants deploy parameters set), so that a port
# bound to the wrong deploy parameter is seen.
ONEGATE_ADDR = ("DEPLOY_BIND_ONEGATE_ADDR", "127.0.0.2")
# The 6.0 sabotage: a parameter that 6.0 requires, removed from one
# container after compiling (6.0 requires OPENNEBULA_HOST for sunstone).
DROP_REQUIRED = ("opennebula-sunstone", "sunstone", "OPENNEBULA_HOST")

SOURCES = {
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
# S2 for Compose v1 (docker-compose 1.29 against the same Docker daemon).
SOURCES["v1"] = SOURCES["s2"].replace("deployment e2e-s2 {", "deployment e2e-v1 {\n  compose v1")
# The maintenance variant of S2 (`compile --maintenance`, rule R3): the same
# project and volumes, every container up, no service started.
MAINTENANCE = {"maint": "s2"}
VERSIONS = {"s1": "5.13", "s2": "5.13", "custom": "5.13", "v1": "5.13", "maint": "5.13", "ref6": "6.0"}

# What must answer where: (host port, protocol, service behind it[, host
# address when not 127.0.0.1]).
PORTS = {
    "s1": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
           (2633, "tcp", "oned"), (5030, "tcp", "onegate"), (2474, "tcp", "oneflow"), (4124, "tcp", "oned"),
           (4124, "udp", "oned")],
    "s2": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
           (2633, "tcp", "oned"), (5030, "tcp", "onegate"), (2474, "tcp", "oneflow"), (4124, "tcp", "oned"),
           (4124, "udp", "oned")],
    "v1": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
           (2633, "tcp", "oned"), (5030, "tcp", "onegate"), (2474, "tcp", "oneflow"), (4124, "tcp", "oned"),
           (4124, "udp", "oned")],
    "custom": [(2223, "tcp", "sshd"), (8080, "tcp", "sunstone"), (8443, "tcp", "sunstone"), (12633, "tcp", "oned"),
               (14124, "tcp", "oned"), (14124, "udp", "oned"), (5030, "tcp", "onegate")],
    # The 6.0 reference layout publishes what S2 publishes; OneGate on its
    # own address.
    "ref6": [(2222, "tcp", "sshd"), (80, "tcp", "sunstone"), (443, "tcp", "sunstone"), (29876, "tcp", "sunstone"),
             (2633, "tcp", "oned"), (5030, "tcp", "onegate", ONEGATE_ADDR[1]), (2474, "tcp", "oneflow"),
             (4124, "tcp", "oned"), (4124, "udp", "oned")],
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


def write_source(report, name, work):
    """The scenario's source file. The 6.0 one is the reference example on
    loopback (its address, bound and advertised, replaced by 127.0.0.1; SSH
    off 22, which the host may use), migrated to 6.0 by `onefront
    migrate`."""
    source = work / f"{name}.onefront"
    if name != "ref6":
        certs = work / "certs"
        certs.mkdir(exist_ok=True)
        (certs / "cert.pem").write_text("certificate\n")
        (certs / "cert.key").write_text("key\n")
        source.write_text(HEAD + SOURCES[name].replace("CERTS", str(certs)))
        return source
    text = EXAMPLE.read_text()
    address = re.search(r"(?m)^\s*bind (\S+)", text)
    assert address, "the example has no `bind` to move to loopback"
    local = re.sub(r"(?m)^(\s*)bind .*$", r"\1bind 127.0.0.1\n\1publish ssh 2222", text)
    local = local.replace(address.group(1), "127.0.0.1")
    source.write_text(local)
    migrated = run(ONEFRONT, "migrate", "--to", "6.0", str(source), check=False)
    code = [line for line in source.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    header = code[0].strip() if code else ""
    why = "" if migrated.returncode == 0 else f" ({migrated.stderr.strip()[-300:]})"
    if report:
        report.check(migrated.returncode == 0 and header == "onefront 6.0",
                     f"{EXAMPLE.name} migrates to 6.0 (header {header!r}){why}")
    return source


def compile_scenario(report, name, work, sabotage=False):
    of = MAINTENANCE.get(name, name)
    source = write_source(report, of, work)
    out = work / f"out-{name}{'-sabotaged' if sabotage else ''}-{ENGINE.name}"
    flags = ["--maintenance"] if name in MAINTENANCE else []
    result = run(ONEFRONT, "compile", str(source), "-o", str(out), *flags, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"onefront compile {name}: {result.stderr}")
    (project,) = [p for p in out.iterdir() if p.is_dir()]
    compose = project / "docker-compose.yml"
    dotenv = project / ".env"
    if name == "ref6" and dotenv.exists():
        key, value = ONEGATE_ADDR
        text, n = re.subn(rf"(?m)^{key}=.*$", f"{key}={value}", dotenv.read_text())
        assert n == 1, f"{key} is not in .env"
        dotenv.write_text(text)
    if sabotage and name == "ref6":
        # A wrong compile: one container loses a parameter that 6.0 requires.
        container, _, param = DROP_REQUIRED
        text = compose.read_text()
        head, found, tail = text.partition(f"\n  {container}:\n")
        broken = head + found + re.sub(rf"\n      {param}: \"[^\"]*\"", "", tail, count=1)
        assert found and broken != text, "nothing to sabotage"
        compose.write_text(broken)
    elif sabotage:
        # A wrong compile: oned loses the parameter that names its database.
        text = compose.read_text()
        head, oned, tail = text.partition("\n  opennebula-oned:\n")
        broken = head + oned + re.sub(r"\n      MYSQL_HOST: \"[^\"]*\"", "", tail, count=1)
        assert broken != text, "nothing to sabotage"
        compose.write_text(broken)
    return source, project, compose


def read_dotenv(project):
    path = project / ".env"
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def use(engine, compose):
    """Runs what follows on this engine with this compose tool."""
    global ENGINE, COMPOSE
    ENGINE, COMPOSE = engine, compose


def containers(project):
    return ENGINE.containers(project.name)


def inspect(container_id):
    return ENGINE.inspect(container_id)


def service_of(compose_model, container):
    labels = container.get("Labels") or {}
    name = labels.get("com.docker.compose.service") or labels.get("io.podman.compose.service")
    return name, compose_model["services"][name]


def exec_in(container_id, *command):
    return ENGINE.exec_in(container_id, *command)


def read_env(container_id):
    out = exec_in(container_id, "cat", "/tmp/standin.env").stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def logs(container_id):
    return ENGINE.logs(container_id)


def check_started(report, project, compose_model):
    found = containers(project)
    names = sorted(service_of(compose_model, c)[0] for c in found)
    report.check(names == sorted(compose_model["services"]), f"{project.name}: one container per service {names}")
    for c in found:
        running = c.get("State") == "running"
        if not running:
            print("       " + logs(c["Id"]).replace("\n", "\n       "))
        report.check(running, f"{project.name}: {service_of(compose_model, c)[0]} is running")
    return found


def check_services(report, reference, project, compose_model, found):
    """A reference container runs the service that services.tsv gives it,
    as the stand-in says on start ("standin: SERVICE up")."""
    by_container = {s["reference_container"]: s["service"] for s in reference["services"]}
    for c in found:
        name = service_of(compose_model, c)[0]
        if name not in by_container:
            continue
        said = re.findall(r"standin: (\S+) up", logs(c["Id"]))
        want = by_container[name]
        report.check(said[-1:] == [want], f"{project.name}: {name} runs {want} ({said[-1:] or 'nothing'} said)")


def service_running(reference, compose_model, service_name):
    param = standin.service_param(reference)
    env = compose_model["services"][service_name].get("environment") or {}
    return env.get(param["name"], param["default"])


def check_environment(report, reference, source, project, compose_model, found):
    params = {p["name"]: p for p in reference["params"]}
    for c in found:
        name, _ = service_of(compose_model, c)
        service = service_running(reference, compose_model, name)
        env = read_env(c["Id"])
        seen = {k: v for k, v in env.items() if k in params}
        stray = [k for k in seen if not (service == "all" or params[k]["affects"] == "*"
                                          or service in params[k]["affects"].split(","))]
        # A name this version does not have (a 5.13 name in 6.0) reads as
        # nothing to the image.
        given = compose_model["services"][name].get("environment") or {}
        if isinstance(given, list):
            given = dict(item.partition("=")[::2] for item in given)
        stray += sorted(k for k in given if k not in params)
        report.check(not stray, f"{project.name}: {name} ({service}) gets only what it reads {stray or ''}")
        for secret, value in SECRETS.items():
            given = re.search(rf"\b{secret}\s*=\s*secret\b", source) is not None
            reads = given and (service == "all" or service in params[secret]["affects"].split(","))
            has = seen.get(secret)
            if has is not None or reads:
                report.check(has == value if reads else False,
                             f"{project.name}: {name} {'has' if reads else 'lacks'} {secret}")


def connect(address, port, attempts=20):
    answer = ""
    for _ in range(attempts):
        try:
            with socket.create_connection((address, port), timeout=2) as s:
                answer = s.recv(64).decode().strip()
            if answer:
                break
        except OSError:
            pass
        if attempts > 1:
            time.sleep(0.5)
    return answer


def check_ports(report, scenario, project):
    for port, proto, service, *where in PORTS[scenario]:
        address = where[0] if where else "127.0.0.1"
        if proto == "tcp":
            answer = connect(address, port)
            report.check(answer == service, f"{project.name}: {address}:{port}/tcp answers {answer!r}, want {service!r}")
            if address != "127.0.0.1":
                # Up on its own address, so a refusal here is no start-up delay.
                stray = connect("127.0.0.1", port, attempts=1)
                report.check(stray == "", f"{project.name}: 127.0.0.1:{port}/tcp does not answer ({stray!r})")
        else:
            probe = f"probe-{port}"
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for _ in range(5):
                    s.sendto(probe.encode() + b"\n", (address, port))
                    time.sleep(0.2)
            got = any(probe in exec_in(c["Id"], "cat", f"/tmp/udp-{port}").stdout for c in containers(project))
            report.check(got, f"{project.name}: {address}:{port}/udp reaches {service}")


def check_volumes(report, reference, project, compose_model, found):
    if len(found) < 2:
        return
    by_service = {}
    for c in found:
        name, _ = service_of(compose_model, c)
        by_service[name] = (c["Id"], service_running(reference, compose_model, name))
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
    running = {service_running(reference, compose_model, service_of(compose_model, c)[0]) for c in found}
    for c in found:
        name, _ = service_of(compose_model, c)
        service = service_running(reference, compose_model, name)
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
    # What the stand-in could not hold the deployment to (standin.unenforced).
    for param in standin.unenforced(reference):
        print(f"note   {project.name}: {param['name']} (required for {param['required_for']}) is left to its default "
              f"{param['default']!r}: the {reference['reference']} reference layout has no {param['locates']} container",
              flush=True)


def from_dotenv(raw, dotenv):
    """`${NAME}` of the raw compose file: (NAME, its `.env` value)."""
    m = re.fullmatch(r"\$\{(\w+)\}", str(raw))
    return (m.group(1), dotenv.get(m.group(1))) if m else (None, raw)


def check_restart(report, project, raw, dotenv, found):
    """Podman's restart policy is the compose file's; in a version whose
    `.env` has DEPLOY_RESTART_POLICY (6.0), every container takes it from
    there."""
    per_env = "DEPLOY_RESTART_POLICY" in dotenv
    for c in found:
        name = service_of(raw, c)[0]
        variable, want = from_dotenv(raw["services"][name].get("restart", "no"), dotenv)
        got = inspect(c["Id"])["HostConfig"]["RestartPolicy"]["Name"] or "no"
        origin = f"from .env {variable}" if variable else "fixed in the compose file"
        if per_env:
            ok, wanted = got == dotenv["DEPLOY_RESTART_POLICY"] and variable == "DEPLOY_RESTART_POLICY", \
                f".env DEPLOY_RESTART_POLICY={dotenv['DEPLOY_RESTART_POLICY']!r}"
        else:
            ok, wanted = got == want, repr(want)
        report.check(ok, f"{project.name}: {name} restarts {got!r} ({origin}), want {wanted}")


def bind_parameter(reference, container):
    """The deploy parameter that binds a container's published ports:
    the one the deploy table names for it, else the one for all but
    named others (deploy.tsv `container`)."""
    binds = [d for d in reference["deploy"] if d["name"].startswith("DEPLOY_BIND_")]
    for d in binds:
        if container in d["container"].split(","):
            return d["name"]
    for d in binds:
        if d["container"] == "all" or (d["container"].startswith("all except ")
                                       and container not in d["container"][len("all except "):].split(",")):
            return d["name"]
    return None


def check_binds(report, reference, project, raw, dotenv, found):
    """Every published port of a reference-layout container is bound to the
    address that the deploy table's bind parameter for that container has
    in `.env`. (An all-in-one container mixes two of them: not checked.)"""
    reference_containers = {s["reference_container"] for s in reference["services"]}
    for c in found:
        name = service_of(raw, c)[0]
        bindings = inspect(c["Id"])["HostConfig"].get("PortBindings") or {}
        if not bindings or name not in reference_containers:
            continue
        param = bind_parameter(reference, name)
        want = dotenv.get(param) if param else None
        got = sorted({b["HostIp"] for bs in bindings.values() for b in bs or []})
        report.check(got == [want], f"{project.name}: {name} publishes on {got}, want {param}={want!r}")


def check_security_opt(report, reference, project, raw, dotenv, found):
    """Every compose `security_opt` reaches podman, with its `.env` value;
    where `.env` has DEPLOY_APPARMOR_PROFILE (6.0), the containers that the
    deploy table gives it (oned) must run with `apparmor=` that value.
    Where AppArmor is off (see main), podman records `apparmor=unconfined`
    and applies no profile; any other profile is refused at create time."""
    apparmor = [d["container"].split(",") for d in reference["deploy"] if d["name"] == "DEPLOY_APPARMOR_PROFILE"]
    for c in found:
        name = service_of(raw, c)[0]
        wanted = []
        for opt in raw["services"][name].get("security_opt") or []:
            key, _, value = opt.partition("=")
            variable, resolved = from_dotenv(value, dotenv)
            wanted.append((f"{key}={resolved}", variable))
        if "DEPLOY_APPARMOR_PROFILE" in dotenv and any(name in cs for cs in apparmor):
            table = (f"apparmor={dotenv['DEPLOY_APPARMOR_PROFILE']}", "DEPLOY_APPARMOR_PROFILE")
            if table not in wanted:
                wanted.append(table)
        if not wanted:
            continue
        got = inspect(c["Id"])["HostConfig"].get("SecurityOpt") or []
        for opt, variable in wanted:
            origin = f" (.env {variable})" if variable else ""
            report.check(opt in got, f"{project.name}: {name} runs with security_opt {opt}{origin}, "
                                     f"{ENGINE.name} has {got}")


def bring_up(report, project, compose, image, env):
    """The compose tool's `config` and `up`; the stand-in is tagged with
    every image the compose file names first."""
    model = yaml.safe_load(COMPOSE.run(project, compose, "config", env=env).stdout)
    for wanted in {s["image"] for s in model["services"].values()}:
        ENGINE.tag(image, wanted)
    up = COMPOSE.run(project, compose, "up", "--detach", env=env, check=False)
    why = "" if up.returncode == 0 else f" ({up.stderr.strip()[-300:]})"
    report.check(up.returncode == 0, f"{project.name}: {COMPOSE.name} up on {ENGINE.name}{why}")
    time.sleep(3)
    return model


def tear_down(project, compose, env):
    COMPOSE.run(project, compose, "down", "--volumes", env=env, check=False)
    for c in containers(project):
        ENGINE.remove(c["Id"])


def privileged_override(raw, work, name):
    """Docker here refuses `--privileged` (`unable to apply caps: operation
    not permitted`): a compose file that replaces it with the capability
    Docker grants, SYS_ADMIN, for the services that have it. The one
    deviation of the Docker tier; the Podman tier keeps `privileged`."""
    services = {n: {"privileged": False, "cap_add": sorted(set((s.get("cap_add") or []) + ["SYS_ADMIN"]))}
                for n, s in raw["services"].items() if s.get("privileged")}
    if not services:
        return None
    path = work / f"override-{name}-{ENGINE.name}.yml"
    # `version` as the project's: Compose v1 refuses files of two versions.
    path.write_text(yaml.safe_dump({"version": raw.get("version", "3.7"), "services": services}))
    return path


def check_maintenance(report, name, project, compose_model, found, plain_compose):
    """The maintenance variant (R3): every container up in maintenance, no
    service answering, and the project and volumes of the deployment it is
    the variant of."""
    for c in found:
        container = service_of(compose_model, c)[0]
        said = re.findall(r"standin: \S+ (up|maintenance)", logs(c["Id"]))
        env = read_env(c["Id"])
        report.check(said[-1:] == ["maintenance"] and env.get(standin.MAINTENANCE) == "yes",
                     f"{project.name}: {container} is in maintenance ({said[-1:] or 'nothing'} said, "
                     f"{standin.MAINTENANCE}={env.get(standin.MAINTENANCE)!r})")
    for port, proto, service, *_ in PORTS[MAINTENANCE[name]]:
        if proto == "tcp":
            answer = connect("127.0.0.1", port, attempts=1)
            report.check(answer == "", f"{project.name}: {service} does not answer on 127.0.0.1:{port} ({answer!r})")
    plain = yaml.safe_load(plain_compose.read_text())
    same = sorted(plain.get("volumes") or {}) == sorted(compose_model.get("volumes") or {})
    report.check(same and plain.get("name") == compose_model.get("name"),
                 f"{project.name}: the same project and volumes as the deployment it is the maintenance variant of")


def scenario(report, standins, name, work, sabotage=False):
    reference, image = standins[VERSIONS[name]]
    source, project, compose = compile_scenario(None if sabotage else report, name, work, sabotage)
    env = {**os.environ, **SECRETS}
    raw = yaml.safe_load(compose.read_text())
    dotenv = read_dotenv(project)
    override = privileged_override(raw, work, name) if ENGINE.name == "docker" else None
    COMPOSE.overrides = [override] if override else []
    try:
        model = bring_up(report, project, compose, image, env)
        check_started(report, project, model)
        running = [c for c in containers(project) if c.get("State") == "running"]
        check_environment(report, reference, source.read_text(), project, model, running)
        if name in MAINTENANCE:
            _, _, plain = compile_scenario(None, MAINTENANCE[name], work)
            check_maintenance(report, name, project, model, running, plain)
        else:
            check_services(report, reference, project, model, running)
            check_ports(report, name, project)
            check_hosts(report, reference, project, model, running)
        check_volumes(report, reference, project, model, running)
        check_restart(report, project, raw, dotenv, running)
        check_binds(report, reference, project, raw, dotenv, running)
        check_security_opt(report, reference, project, raw, dotenv, running)
    finally:
        tear_down(project, compose, env)
        COMPOSE.overrides = []


def refused(report, standins, name, work):
    """The sabotaged 6.0 compile (DROP_REQUIRED): the stand-in must refuse
    to run that one container, naming the parameter, and run every other.
    Only start-up is checked: that is where the refusal shows."""
    reference, image = standins[VERSIONS[name]]
    container, service, param = DROP_REQUIRED
    required = next(p["required_for"] for p in reference["params"] if p["name"] == param)
    assert service in required.split(","), f"{param} is not required for {service}: sabotage it no longer is"
    _, project, compose = compile_scenario(None, name, work, sabotage=True)
    env = {**os.environ, **SECRETS}
    try:
        model = bring_up(report, project, compose, image, env)
        others, refusal = [], None
        for c in containers(project):
            n = service_of(model, c)[0]
            if n == container:
                refusal = c
            else:
                others.append((n, c.get("State") == "running"))
        down = [n for n, up in others if not up]
        report.check(bool(others) and not down,
                     f"{project.name} without {param} in {container}: every other container runs {down or ''}".rstrip())
        said = refusal is not None and f"{param} is required for {service}" in logs(refusal["Id"])
        # Under `restart: always` podman starts it again and again: stopped
        # with a non-zero code, or restarted at least once.
        data = inspect(refusal["Id"]) if refusal else {"State": {}}
        state, restarts = data["State"], data.get("RestartCount") or 0
        stopped = bool(state) and (not state.get("Running") and state.get("ExitCode") != 0 or restarts > 0)
        report.check(said and stopped,
                     f"{project.name} without {param} in {container}: the {VERSIONS[name]} stand-in refuses it "
                     f"(said so: {said}, exit code {state.get('ExitCode')}, restarts {restarts})")
    finally:
        tear_down(project, compose, env)


# A sandbox marker in a unit's folder: the runner made it (and may remove it).
MARK = ".onefront-e2e"


def unit_runs(report, image, work):
    """Every example whose unit runs on ENGINE: compiled, its folder copied
    to the path the unit names, its commands run by units.Unit as systemd
    would; the deployment must come up on ExecStart (a running container
    per service) and be gone on ExecStop. What the runner changes in the
    copy, for this machine: secrets.env filled in (as the unit's header
    tells the administrator to), every DEPLOY_BIND_* address in `.env` moved
    to 127.0.0.1 (the examples bind addresses this machine does not have),
    and on Docker `privileged` replaced as privileged_override says. A
    user unit (`%h`) runs as root with %h a folder of the work directory."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    extra = unit_environment()
    for example in sorted((REPO / "examples").glob("*.onefront")):
        out = work / f"units-{ENGINE.name}" / example.stem
        result = run(ONEFRONT, "compile", str(example), "-o", str(out), check=False)
        if not report.check(result.returncode == 0, f"{example.name} compiles for its unit run"):
            continue
        for project in sorted(p for p in out.iterdir() if p.is_dir()):
            (path,) = project.glob("*.service")
            user_unit = "%h" in path.read_text()
            unit = units.Unit(str(path), home=str(home), user="onefront-e2e" if user_unit else "root", extra=extra)
            program = units.words(unit.commands["ExecStart"][0].lstrip("-@:+!"))[0][0]
            if ("podman" in program) != (ENGINE.name == "podman"):
                continue
            lap = time.monotonic()
            run_unit(report, example, project, unit, image)
            print(f"-- unit of {example.name} on {ENGINE.name}: {time.monotonic() - lap:.0f} s", flush=True)


def unit_environment():
    """What a unit's commands get beyond systemd's environment on this
    machine: the tier's Docker daemon, Podman's configuration (runtimes.md
    names both)."""
    extra = {"DOCKER_HOST": ENGINE.env["DOCKER_HOST"]} if ENGINE.name == "docker" else {}
    if os.environ.get("CONTAINERS_CONF"):
        extra["CONTAINERS_CONF"] = os.environ["CONTAINERS_CONF"]
    return extra


def sabotaged_unit(report, image, work):
    """The runner itself: the reference example's unit with its ExecStart
    pointed at a folder without the compose file (a unit that
    `systemd-analyze verify` accepts) must fail its checks."""
    example = REPO / "examples" / "reference.onefront"
    out = work / f"units-sabotaged-{ENGINE.name}"
    run(ONEFRONT, "compile", str(example), "-o", str(out))
    (project,) = [p for p in out.iterdir() if p.is_dir()]
    (path,) = project.glob("*.service")
    text = path.read_text()
    broken = re.sub(r"(?m)^(ExecStart=.*--project-directory \S+)", r"\1/elsewhere", text)
    assert broken != text, "nothing to sabotage in the unit"
    path.write_text(broken)
    verify = run("systemd-analyze", "verify", str(path), check=False)
    extra = unit_environment()
    caught = Report(failure="caught")
    print(f"-- sabotaged unit on {ENGINE.name} (ExecStart in a folder without the compose file)", flush=True)
    run_unit(caught, example, project, units.Unit(str(path), extra=extra), image)
    report.check(caught.failed > 0, f"{ENGINE.name}: the unit runner catches a unit whose ExecStart does not work "
                                    f"({caught.failed} checks failed; systemd-analyze verify exit "
                                    f"{verify.returncode})")


def run_unit(report, example, project, unit, image):
    target = Path(unit.working_directory[0])
    what = f"{example.name}: {unit.name}"
    if target.exists() and not (target / MARK).exists():
        report.check(False, f"{what}: {target} exists and is not the runner's: not touched")
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(project, target)
    (target / MARK).touch()
    raw = yaml.safe_load((target / "docker-compose.yml").read_text())
    name = raw.get("name") or project.name
    try:
        template = target / "secrets.env.template"
        if template.exists():
            wanted = [line[:-1] for line in template.read_text().splitlines() if line.endswith("=")]
            secrets = target / "secrets.env"
            secrets.write_text("".join(f"{v}={SECRETS.get(v, 'e2e-' + v)}\n" for v in wanted))
            secrets.chmod(0o600)
        dotenv_path = target / ".env"
        dotenv_path.write_text(re.sub(r"(?m)^(DEPLOY_BIND_\w*)=.*$", r"\1=127.0.0.1", dotenv_path.read_text()))
        dotenv = read_dotenv(target)
        if ENGINE.name == "docker" and any(s.get("privileged") for s in raw["services"].values()):
            patched = dict(raw)
            for service in patched["services"].values():
                if service.get("privileged"):
                    service["privileged"] = False
                    service["cap_add"] = sorted(set((service.get("cap_add") or []) + ["SYS_ADMIN"]))
            (target / "docker-compose.yml").write_text(yaml.safe_dump(patched, sort_keys=False))
        for wanted in {s["image"] for s in raw["services"].values()}:
            ENGINE.tag(image, re.sub(r"\$\{(\w+)\}", lambda m: dotenv.get(m.group(1), ""), wanted))
        started = unit.run("start")
        failed = [(c, code, out) for c, code, out in started if code != 0]
        why = f" ({failed[0][0]}: exit {failed[0][1]}: {failed[0][2][-300:]})" if failed else ""
        report.check(started and not failed, f"{what}: ExecStart runs{why}")
        time.sleep(2)
        up = sorted(service_of(raw, c)[0] for c in ENGINE.containers(name) if c.get("State") == "running")
        report.check(up == sorted(raw["services"]), f"{what}: after ExecStart every service runs {up}")
        stopped = unit.run("stop")
        failed = [(c, code, out) for c, code, out in stopped if code != 0]
        why = f" ({failed[0][0]}: exit {failed[0][1]}: {failed[0][2][-300:]})" if failed else ""
        report.check(stopped and not failed, f"{what}: ExecStop runs{why}")
        left = [service_of(raw, c)[0] for c in ENGINE.containers(name)]
        report.check(not left, f"{what}: after ExecStop no container is left {left or ''}")
    except units.UnitError as error:
        report.check(False, f"{what}: {error}")
    finally:
        for c in ENGINE.containers(name):
            ENGINE.remove(c["Id"])
        for volume in ENGINE.volumes(name):
            ENGINE.run("volume", "rm", "--force", volume, check=False)
        shutil.rmtree(target, ignore_errors=True)


def podman_tier(report, work):
    engine, tools = engines.podman()
    use(engine, tools["podman-compose"])
    apparmor = engine.run("info", "--format", "{{.Host.Security.AppArmorEnabled}}").stdout.strip()
    print(f"note   Podman {engine.version()}; AppArmor enabled for podman on this host: {apparmor}", flush=True)
    standins = {v: standin.build(engine, ONEFRONT, os.environ["UDP_LISTEN"], v) for v in sorted(set(VERSIONS.values()))}
    for name in ["s1", "s2", "custom"]:
        lap = time.monotonic()
        scenario(report, standins, name, work)
        print(f"-- {name}: {time.monotonic() - lap:.0f} s", flush=True)
    # The harness itself: a compile with one *_HOST missing must fail.
    sabotaged(report, standins, work)
    lap = time.monotonic()
    scenario(report, standins, "ref6", work)
    print(f"-- ref6: {time.monotonic() - lap:.0f} s", flush=True)
    print("-- sabotaged ref6 (one required 6.0 parameter dropped): the 6.0 stand-in must refuse it", flush=True)
    refused(report, standins, "ref6", work)
    print(f"-- ref6 and its sabotage: {time.monotonic() - lap:.0f} s", flush=True)
    unit_runs(report, standins["5.13"][1], work)


def sabotaged(report, standins, work):
    caught = Report(failure="caught")
    print(f"-- sabotaged s2 on {ENGINE.name} (one MYSQL_HOST dropped): the harness must catch it", flush=True)
    lap = time.monotonic()
    scenario(caught, standins, "s2", work, sabotage=True)
    print(f"-- sabotaged s2: {time.monotonic() - lap:.0f} s", flush=True)
    report.check(caught.failed > 0, f"{ENGINE.name}: the harness catches a compile that drops MYSQL_HOST "
                                    f"({caught.failed} checks failed)")


def docker_tier(report, work):
    """S1, S2 and the customised deployment with Compose v2, S2 with Compose
    v1 (docker-compose 1.29), the maintenance variant of S2, the sabotage
    check and the units of the Docker examples, on the Docker daemon that
    scripts/test-slow started ($DOCKER_HOST)."""
    if not report.check(bool(os.environ.get("DOCKER_HOST")), "a Docker daemon for the Docker tier ($DOCKER_HOST)"):
        return
    engine, tools = engines.docker()
    v1 = tools["compose v1"].run_version()
    print(f"note   Docker Engine {engine.version()}, Compose v2 {tools['compose v2'].run_version()}, "
          f"Compose v1 {v1}", flush=True)
    use(engine, tools["compose v2"])
    standins = {"5.13": standin.build(engine, ONEFRONT, os.environ["UDP_LISTEN"], "5.13")}
    for name, tool in [("s1", "compose v2"), ("s2", "compose v2"), ("custom", "compose v2"),
                       ("v1", "compose v1"), ("maint", "compose v2")]:
        use(engine, tools[tool])
        lap = time.monotonic()
        scenario(report, standins, name, work)
        print(f"-- {name} on docker with {tool}: {time.monotonic() - lap:.0f} s", flush=True)
    use(engine, tools["compose v2"])
    sabotaged(report, standins, work)
    unit_runs(report, standins["5.13"][1], work)
    sabotaged_unit(report, standins["5.13"][1], work)
    # The stand-ins of earlier runs, untagged by this one's.
    engine.run("image", "prune", "--force", check=False)


def main():
    start = time.monotonic()
    report = Report()
    units.selftest()
    with tempfile.TemporaryDirectory(prefix="onefront-e2e-") as work:
        work = Path(work)
        # ONEFRONT_E2E_TIERS=docker (or podman) runs one tier, for work on it.
        tiers = os.environ.get("ONEFRONT_E2E_TIERS", "podman docker").split()
        if "podman" in tiers:
            podman_tier(report, work)
        if "docker" in tiers:
            docker_tier(report, work)
    print(f"e2e wall time: {time.monotonic() - start:.0f} s")
    print(f"e2e: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
