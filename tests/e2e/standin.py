"""The stand-in image: busybox plus an entrypoint that plays the contract of
the OpenNebula front-end image of one reference version, as that version's
tables state it. One stand-in per version, built from that version's tables.

- It runs the service that the service parameter names (the parameter whose
  values are the services: OPENNEBULA_FRONTEND_SERVICE in 5.13,
  OPENNEBULA_SERVICE in 6.0; its default when unset) and stops, as the real
  bootstrap does, when a parameter that the reference marks required for
  that service is missing.
- It listens on the container-side ports of that service (ports.tsv): those
  under a switch (`TLS_PROXY_ENABLED=yes`) only when the switch is on, those
  that follow a parameter (MONITORD_PORT) on that parameter's value. A TCP
  connection gets the service's name back; a UDP datagram is appended to
  /tmp/udp-PORT (by udp-listen.c, built static: busybox's nc has no UDP).
- With maintenance mode on (MAINTENANCE_MODE=yes: "bootstrap and
  configure every service but start none of them") it starts none: it
  checks what it requires, says "standin: SERVICE maintenance" and listens
  on nothing.
- It writes its environment to /tmp/standin.env and its mounts to
  /tmp/standin.mounts, for the harness to read.

Everything it knows comes from `onefront params --version V --format json`,
which tests/reference_tables.rs checks row by row against reference/V/*.tsv.
"""

import io
import json
import os
import subprocess
import tarfile

# Where the stand-in of a version is stored; the harness tags it with the
# image name a compiled deployment runs.
IMAGE = "localhost/onefront-standin:{version}"
# The image parameter that starts no service (params.tsv of every version).
MAINTENANCE = "MAINTENANCE_MODE"

ENTRYPOINT = r"""#!/bin/sh
env > /tmp/standin.env
cat /proc/mounts > /tmp/standin.mounts
on() { case "$1" in [Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|1) return 0;; *) return 1;; esac; }
value() { eval "printf '%s' \"\${$1:-$2}\""; }
read -r service_param service_default < /standin/service
svc="$(value "$service_param" "$service_default")"
while read -r service param; do
  if [ "$service" = "$svc" ] || [ "$service" = "*" ]; then
    if [ -z "$(value "$param" "")" ]; then
      echo "standin: $param is required for $svc and not set" >&2
      exit 1
    fi
  fi
done < /standin/required
trap 'kill 0 2>/dev/null; exit 0' TERM INT
read -r maintenance < /standin/maintenance
if on "$(value "$maintenance" no)"; then
  echo "standin: $svc maintenance"
  while true; do sleep 1; done
fi
while read -r service port proto switch default follows; do
  if [ "$svc" != "all" ] && [ "$service" != "$svc" ]; then continue; fi
  if [ "$switch" != "-" ] && ! on "$(value "$switch" "$default")"; then continue; fi
  if [ "$follows" != "-" ]; then port="$(value "$follows" "$port")"; fi
  if [ "$proto" = "udp" ]; then
    /standin/udp-listen "$port" "/tmp/udp-$port" &
  else
    (while true; do printf '%s\n' "$service" | nc -l -p "$port" > /dev/null; done) &
  fi
done < /standin/ports
echo "standin: $svc up"
while true; do sleep 1; done
"""


def tables(onefront, version):
    """The reference of one version, as `onefront params --format json`
    prints it."""
    out = subprocess.run([onefront, "params", "--version", version, "--format", "json"], check=True,
                         capture_output=True, text=True)
    reference = json.loads(out.stdout)
    assert reference["reference"] == version, f"asked for reference {version}, got {reference['reference']}"
    return reference


def service_param(reference):
    """The parameter that chooses the service: the enum whose values are
    the services of services.tsv."""
    services = {s["service"] for s in reference["services"]}
    (param,) = [p for p in reference["params"]
                if p["type"].startswith("enum:") and set(p["type"][5:].split("|")) == services]
    return param


def without_container(reference):
    """Services that the reference layout gives no container (`-`, or `?`
    where upstream names none): all, none, and in 6.0 etcd."""
    return {s["service"] for s in reference["services"] if s["reference_container"] in ("-", "?")}


def unenforced(reference):
    """Required parameters that no container of the reference layout can
    be given: the `*_HOST` of a service that has no container there. 6.0
    requires ETCD_HOST in every service, yet upstream's reference layout has
    no etcd container (reference/6.0/README.md); the stand-in lets such a
    parameter fall back to its table default, as the image does for an
    unset `*_HOST`, and the harness says so. Every other required
    parameter stops the container when missing."""
    homeless = without_container(reference)
    return [p for p in reference["params"]
            if p["required_for"] != "-" and p.get("locates") in homeless]


def _required(reference):
    lines = []
    skip = {service_param(reference)["name"]} | {p["name"] for p in unenforced(reference)}
    for param in reference["params"]:
        services = param["required_for"]
        if services == "-" or param["name"] in skip:
            continue
        # The `multi` table (`*_HOST`) is required for the services it names
        # when they run in containers of their own; the all-in-one
        # container runs `all`, which no `required_for` of it names. The
        # harness also checks that they name the right container
        # (check_hosts).
        for service in services.split(","):
            lines.append(f"{service} {param['name']}")
    return "\n".join(lines) + "\n"


def _ports(reference):
    defaults = {p["name"]: p["default"] for p in reference["params"]}
    lines = []
    for row in reference["ports"]:
        condition = row["condition"]
        switch, default = "-", "-"
        if "=" in condition:
            switch = condition.split("=", 1)[0]
            default = defaults.get(switch, "no")
        follows = row.get("follows") or "-"
        lines.append(f"{row['service']} {row['port']} {row['proto']} {switch} {default} {follows}")
    return "\n".join(lines) + "\n"


def build(engine, onefront, udp_listen, version, busybox="/bin/busybox"):
    """Builds the stand-in of one reference version from local files only,
    into an engine (engines.Engine); returns that reference and the image's
    name."""
    reference = tables(onefront, version)
    param = service_param(reference)
    assert any(p["name"] == MAINTENANCE for p in reference["params"]), f"{version} has no {MAINTENANCE}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        def add(name, data, mode=0o644):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = mode
            tar.addfile(info, io.BytesIO(data))

        def folder(name):
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)

        for name in ["bin", "tmp", "standin", "etc", "proc", "sys", "dev"]:
            folder(name)
        with open(busybox, "rb") as f:
            add("bin/busybox", f.read(), 0o755)
        for applet in ["sh", "env", "cat", "nc", "sleep", "printf", "kill", "ls", "test", "nslookup", "touch", "mkdir", "echo"]:
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            tar.addfile(info)
        add("standin/entrypoint", ENTRYPOINT.encode(), 0o755)
        with open(udp_listen, "rb") as f:
            add("standin/udp-listen", f.read(), 0o755)
        add("standin/required", _required(reference).encode())
        add("standin/ports", _ports(reference).encode())
        add("standin/service", f"{param['name']} {param['default']}\n".encode())
        add("standin/maintenance", f"{MAINTENANCE}\n".encode())
    image = IMAGE.format(version=version)
    engine.import_image(buffer.getvalue(), image, ["/standin/entrypoint"])
    return reference, image
