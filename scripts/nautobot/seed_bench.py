"""Benchmark data for the test Nautobot: location `bench01` with exactly 1 000 devices.

For the `get-devices` latency benchmark (scripts/bench-nautobot, docs/benchmarks.md), not for
the tests: `.ci/run` and `scripts/nautobot/up` never run it. Run it through
`scripts/nautobot/seed-bench` (the environment of `up`, the venv's python), after `up`.

    scripts/nautobot/seed-bench            # create (idempotent: a re-run only fixes what differs)
    scripts/nautobot/seed-bench --remove   # delete bench01 and everything in it again

What it makes, re-using the roles, device types, platforms, statuses and tenant of seed.py
(run seed.py first; `up` does):

- Location `bench01` (type Site, Active, tenant Nautobot Airports).
- 25 racks `bench01-r01`..`bench01-r25` (42U), 40 devices in each (no positions).
- 1 000 devices `bench01-dev-0001`..`bench01-dev-1000`: per rack 2 spines
  (DCS-7280CR2-60), 36 leaves (DCS-7050TX3-48C8) and 2 edges (ASR-1001-X, Cisco IOS-XE);
  Active, except every 50th Planned and every 97th Offline; a serial each.
- An interface `Management1` on every device; on three devices in four (not those whose
  number divides by 4) an IPv4 10.99.x.y/22 (prefix 10.99.0.0/22, namespace Global) that
  is the device's primary IPv4: 750 devices with a Primary IP, 250 without.

Devices, interfaces, IP addresses and their assignments are written with bulk_create /
bulk_update (no change log, no signals: nothing else is derived from them); the location,
racks and prefix with get_or_create. The seeded test data (ams01, nyc01) is not touched, but
while bench01 exists, lists across locations (`get-devices role leaf`, device menus) include
its devices: remove it when done (scripts/bench-nautobot does).
"""

import sys
import time

import nautobot

nautobot.setup()

from django.db import transaction  # noqa: E402

from nautobot.dcim.models import Device, DeviceType, Interface, Location, LocationType, Platform, Rack  # noqa: E402
from nautobot.extras.models import Role, Status  # noqa: E402
from nautobot.ipam.models import IPAddress, IPAddressToInterface, Namespace, Prefix  # noqa: E402
from nautobot.tenancy.models import Tenant  # noqa: E402

LOCATION = "bench01"
DEVICES = 1000
RACKS = 25
PREFIX = "10.99.0.0/22"
MASK = 22


def device_name(n):
    return f"{LOCATION}-dev-{n:04d}"


def host_of(n):
    return f"10.99.{n // 256}.{n % 256}"


def has_ip(n):
    return n % 4 != 0


def kind_of(n):
    """(role, device type model, platform) of device n: per rack of 40, 2 spines, 2 edges, 36 leaves."""
    slot = (n - 1) % (DEVICES // RACKS)
    if slot < 2:
        return "spine", "DCS-7280CR2-60", "Arista EOS"
    if slot >= DEVICES // RACKS - 2:
        return "edge", "ASR-1001-X", "Cisco IOS-XE"
    return "leaf", "DCS-7050TX3-48C8", "Arista EOS"


def status_of(n):
    if n % 97 == 0:
        return "Offline"
    if n % 50 == 0:
        return "Planned"
    return "Active"


def seeded(cls, **lookup):
    try:
        return cls.objects.get(**lookup)
    except cls.DoesNotExist:
        sys.exit(f"seed_bench: no {cls.__name__} {lookup}: run scripts/nautobot/up (seed.py) first")


@transaction.atomic
def create():
    statuses = {name: seeded(Status, name=name) for name in ("Active", "Planned", "Offline")}
    active = statuses["Active"]
    roles = {name: seeded(Role, name=name) for name in ("spine", "leaf", "edge")}
    types = {m: seeded(DeviceType, model=m) for m in ("DCS-7280CR2-60", "DCS-7050TX3-48C8", "ASR-1001-X")}
    platforms = {name: seeded(Platform, name=name) for name in ("Arista EOS", "Cisco IOS-XE")}
    tenant = seeded(Tenant, name="Nautobot Airports")
    site = seeded(LocationType, name="Site")
    global_ns = seeded(Namespace, name="Global")

    location, _ = Location.objects.get_or_create(
        name=LOCATION,
        location_type=site,
        defaults={"status": active, "tenant": tenant, "description": "benchmark: 1 000 devices"},
    )
    racks = []
    for r in range(1, RACKS + 1):
        rack, _ = Rack.objects.get_or_create(
            name=f"{LOCATION}-r{r:02d}", location=location, defaults={"status": active, "tenant": tenant, "u_height": 42}
        )
        racks.append(rack)
    prefix, _ = Prefix.objects.get_or_create(
        prefix=PREFIX,
        namespace=global_ns,
        defaults={"status": active, "type": "network", "tenant": tenant, "description": f"{LOCATION} management"},
    )
    prefix.locations.add(location)

    wanted = {device_name(n): n for n in range(1, DEVICES + 1)}
    # Exactly the 1 000: whatever else is at bench01 goes.
    strays = Device.objects.filter(location=location).exclude(name__in=list(wanted))
    removed = strays.count()
    if removed:
        strays.update(primary_ip4=None)
        strays.delete()

    # Devices.
    existing = {d.name: d for d in Device.objects.filter(location=location)}
    new_devices = []
    for name, n in wanted.items():
        if name in existing:
            continue
        role, model, platform = kind_of(n)
        new_devices.append(
            Device(
                name=name,
                location=location,
                rack=racks[(n - 1) // (DEVICES // RACKS)],
                device_type=types[model],
                role=roles[role],
                platform=platforms[platform],
                status=statuses[status_of(n)],
                tenant=tenant,
                serial=f"BN{n:08d}",
            )
        )
    Device.objects.bulk_create(new_devices, batch_size=500)
    devices = {d.name: d for d in Device.objects.filter(location=location)}

    # Management1 on every device.
    have_if = set(Interface.objects.filter(device__location=location, name="Management1").values_list("device_id", flat=True))
    new_ifs = [
        Interface(device=d, name="Management1", type="1000base-t", status=active, mgmt_only=True)
        for d in devices.values()
        if d.pk not in have_if
    ]
    Interface.objects.bulk_create(new_ifs, batch_size=500)
    mgmt = {i.device_id: i for i in Interface.objects.filter(device__location=location, name="Management1")}

    # IPv4 addresses in 10.99.0.0/22, their assignment to Management1, and primary_ip4.
    have_ip = {str(ip.host): ip for ip in IPAddress.objects.filter(parent=prefix)}
    new_ips = []
    for name, n in wanted.items():
        host = host_of(n)
        if has_ip(n) and host not in have_ip:
            new_ips.append(
                IPAddress(
                    address=f"{host}/{MASK}",
                    parent=prefix,
                    status=active,
                    tenant=tenant,
                    dns_name=f"{name}.bench.example.net",
                )
            )
    IPAddress.objects.bulk_create(new_ips, batch_size=500)
    ips = {str(ip.host): ip for ip in IPAddress.objects.filter(parent=prefix)}
    assigned = set(
        IPAddressToInterface.objects.filter(ip_address__parent=prefix).values_list("ip_address_id", "interface_id")
    )
    new_assignments = []
    changed = []
    for name, n in wanted.items():
        device = devices[name]
        ip = ips.get(host_of(n)) if has_ip(n) else None
        if ip is not None and (ip.pk, mgmt[device.pk].pk) not in assigned:
            new_assignments.append(IPAddressToInterface(ip_address=ip, interface=mgmt[device.pk]))
        want = ip.pk if ip is not None else None
        if device.primary_ip4_id != want:
            device.primary_ip4_id = want
            changed.append(device)
    IPAddressToInterface.objects.bulk_create(new_assignments, batch_size=500)
    Device.objects.bulk_update(changed, ["primary_ip4"], batch_size=500)
    return {
        "devices": len(new_devices),
        "interfaces": len(new_ifs),
        "IP addresses": len(new_ips),
        "IP assignments": len(new_assignments),
        "primary IPs (set or changed)": len(changed),
        "stray devices removed": removed,
    }


@transaction.atomic
def remove():
    location = Location.objects.filter(name=LOCATION).first()
    counts = {}
    if location is not None:
        devices = Device.objects.filter(location=location)
        counts["devices"] = devices.count()
        devices.update(primary_ip4=None)
        IPAddressToInterface.objects.filter(interface__device__location=location).delete()
        Interface.objects.filter(device__location=location).delete()
        devices.delete()
    prefix = Prefix.objects.filter(prefix=PREFIX, namespace__name="Global").first()
    if prefix is not None:
        counts["IP addresses"] = IPAddress.objects.filter(parent=prefix).delete()[0]
        prefix.delete()
    if location is not None:
        counts["racks"] = Rack.objects.filter(location=location).delete()[0]
        location.delete()
    return counts


started = time.monotonic()
if sys.argv[1:] == ["--remove"]:
    what, done = "removed", remove()
elif sys.argv[1:]:
    sys.exit("usage: seed_bench.py [--remove]")
else:
    what, done = "created", create()
location = Location.objects.filter(name=LOCATION).first()
at = Device.objects.filter(location=location) if location else Device.objects.none()
print(
    "seed_bench: %s %s in %.1f s; %s now has %d devices, %d with a primary IPv4"
    % (
        what,
        ", ".join(f"{v} {k}" for k, v in done.items()) or "nothing",
        time.monotonic() - started,
        LOCATION,
        at.count(),
        at.filter(primary_ip4__isnull=False).count(),
    )
)
