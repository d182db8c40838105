"""Idempotent seed for the test Nautobot: users, tokens, permissions and a small network.

Run with the venv's python after `nautobot-server migrate`; scripts/nautobot/up does that.
Reads NAUTOBOT_ADMIN_TOKEN / NAUTOBOT_VIEWER_TOKEN / NAUTOBOT_PARTIAL_TOKEN / NAUTOBOT_*_PASSWORD
from the environment.
"""

import os

import nautobot

nautobot.setup()

from django.apps import apps as django_apps  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import transaction  # noqa: E402

from nautobot.circuits.models import Circuit, CircuitTermination, CircuitType, Provider  # noqa: E402
from nautobot.dcim.models import (  # noqa: E402
    Cable,
    Device,
    DeviceType,
    Interface,
    Location,
    LocationType,
    Manufacturer,
    Platform,
    Rack,
)
from nautobot.extras.models import Job, Role, Status  # noqa: E402
from nautobot.ipam.models import IPAddress, Namespace, Prefix, VLAN, VLANGroup  # noqa: E402
from nautobot.tenancy.models import Tenant  # noqa: E402
from nautobot.users.models import ObjectPermission, Token, User  # noqa: E402

ADMIN_TOKEN = os.environ["NAUTOBOT_ADMIN_TOKEN"]
VIEWER_TOKEN = os.environ["NAUTOBOT_VIEWER_TOKEN"]
PARTIAL_TOKEN = os.environ.get("NAUTOBOT_PARTIAL_TOKEN", "fedcba9876543210fedcba9876543210fedcba98")
ADMIN_PASSWORD = os.environ.get("NAUTOBOT_ADMIN_PASSWORD", "admin")
VIEWER_PASSWORD = os.environ.get("NAUTOBOT_VIEWER_PASSWORD", "viewer")
PARTIAL_PASSWORD = os.environ.get("NAUTOBOT_PARTIAL_PASSWORD", "partial")

# What the partial user may not view: a device's location, role and IP addresses (issue 17).
PARTIAL_HIDDEN = (("dcim", "location"), ("extras", "role"), ("ipam", "ipaddress"))


def ct(model):
    return ContentType.objects.get_for_model(model)


def status(name, *models):
    obj, _ = Status.objects.get_or_create(name=name)
    obj.content_types.add(*[ct(m) for m in models])
    return obj


def role(name, color, *models):
    obj, _ = Role.objects.get_or_create(name=name, defaults={"color": color})
    obj.content_types.add(*[ct(m) for m in models])
    return obj


def user(username, password, token, superuser=False):
    """The user, with that password and token (write_enabled, so that a 403 on a change
    comes from the object permissions, not the token)."""
    account, _ = User.objects.get_or_create(username=username)
    account.is_superuser = superuser
    account.is_staff = superuser
    account.is_active = True
    account.set_password(password)
    account.save()
    Token.objects.update_or_create(
        key=token, defaults={"user": account, "write_enabled": True, "description": f"chatops tests {username}"}
    )
    return account


def may_view(account, permission, object_types):
    """`account` may view objects of `object_types` (and nothing else through `permission`)."""
    perm, _ = ObjectPermission.objects.get_or_create(
        name=permission, defaults={"actions": ["view"], "enabled": True}
    )
    perm.actions = ["view"]
    perm.enabled = True
    perm.save()
    perm.object_types.set(list(object_types))
    perm.users.add(account)


def users():
    user("admin", ADMIN_PASSWORD, ADMIN_TOKEN, superuser=True)

    view_cts = ContentType.objects.filter(app_label__in=["dcim", "ipam", "circuits"])
    # Tables show tenants, statuses and roles too; viewing those is harmless.
    view_cts = view_cts | ContentType.objects.filter(app_label="tenancy") | ContentType.objects.filter(
        app_label="extras", model__in=["status", "role", "job", "jobresult"]
    )
    may_view(user("viewer", VIEWER_PASSWORD, VIEWER_TOKEN), "chatops-tests-view-dcim-ipam-circuits", view_cts)

    # The partial user: what the viewer may view, except locations, roles and IP addresses,
    # so that the chat answers must tell a hidden value from an empty one.
    may_view(
        user("partial", PARTIAL_PASSWORD, PARTIAL_TOKEN),
        "chatops-tests-view-all-but-locations-roles-ips",
        [c for c in view_cts if (c.app_label, c.model) not in PARTIAL_HIDDEN],
    )


@transaction.atomic
def data():
    active = status("Active", Location, Rack, Device, Interface, IPAddress, Prefix, VLAN, Circuit)
    status("Planned", Device, Circuit)
    status("Offline", Device)
    status("Failed", Device)
    status("Staged", Device)
    connected = status("Connected", Cable)

    leaf = role("leaf", "2196f3", Device)
    spine = role("spine", "9c27b0", Device)
    role("edge", "ff9800", Device)
    servers = role("servers", "4caf50", VLAN, Prefix)

    tenant, _ = Tenant.objects.get_or_create(name="Nautobot Airports", defaults={"description": "test tenant"})

    site, _ = LocationType.objects.get_or_create(name="Site")
    site.content_types.add(*[ct(m) for m in (Device, Rack, Prefix, VLAN, VLANGroup, CircuitTermination)])
    locations = {}
    for name, desc in (("ams01", "Amsterdam"), ("nyc01", "New York")):
        locations[name], _ = Location.objects.get_or_create(
            name=name,
            location_type=site,
            defaults={"status": active, "tenant": tenant, "description": desc},
        )

    arista, _ = Manufacturer.objects.get_or_create(name="Arista")
    cisco, _ = Manufacturer.objects.get_or_create(name="Cisco")
    dts = {}
    for mfr, model in ((arista, "DCS-7280CR2-60"), (arista, "DCS-7050TX3-48C8"), (cisco, "ASR-1001-X")):
        dts[model], _ = DeviceType.objects.get_or_create(manufacturer=mfr, model=model, defaults={"u_height": 1})
    eos, _ = Platform.objects.get_or_create(
        name="Arista EOS", defaults={"manufacturer": arista, "network_driver": "arista_eos"}
    )
    iosxe, _ = Platform.objects.get_or_create(
        name="Cisco IOS-XE", defaults={"manufacturer": cisco, "network_driver": "cisco_ios"}
    )

    global_ns = Namespace.objects.get(name="Global")

    # name, location, rack, position, device type, role, platform, mgmt ip
    devices_spec = [
        ("ams01-spine-01", "ams01", "ams01-r1", 40, "DCS-7280CR2-60", spine, eos, "10.1.0.1/24"),
        ("ams01-leaf-01", "ams01", "ams01-r1", 30, "DCS-7050TX3-48C8", leaf, eos, "10.1.0.11/24"),
        ("ams01-leaf-02", "ams01", "ams01-r1", 29, "DCS-7050TX3-48C8", leaf, eos, "10.1.0.12/24"),
        ("ams01-edge-01", "ams01", "ams01-r1", 42, "ASR-1001-X", Role.objects.get(name="edge"), iosxe, "10.1.0.254/24"),
        ("nyc01-spine-01", "nyc01", "nyc01-r1", 40, "DCS-7280CR2-60", spine, eos, "10.2.0.1/24"),
        ("nyc01-leaf-01", "nyc01", "nyc01-r1", 30, "DCS-7050TX3-48C8", leaf, eos, "10.2.0.11/24"),
        ("nyc01-leaf-02", "nyc01", "nyc01-r1", 29, "DCS-7050TX3-48C8", leaf, eos, "10.2.0.12/24"),
    ]

    # Management prefixes, VLAN groups, VLANs and server prefixes per location.
    for idx, loc_name in ((1, "ams01"), (2, "nyc01")):
        loc = locations[loc_name]
        Rack.objects.get_or_create(
            name=f"{loc_name}-r1", location=loc, defaults={"status": active, "tenant": tenant, "u_height": 42}
        )
        Rack.objects.get_or_create(
            name=f"{loc_name}-r2", location=loc, defaults={"status": active, "tenant": tenant, "u_height": 42}
        )
        mgmt, _ = Prefix.objects.get_or_create(
            prefix=f"10.{idx}.0.0/24",
            namespace=global_ns,
            defaults={"status": active, "type": "network", "description": f"{loc_name} management"},
        )
        mgmt.locations.add(loc)
        group, _ = VLANGroup.objects.get_or_create(name=f"{loc_name}-vlans", defaults={"location": loc})
        for vid, vname, third in ((100, "servers", 100), (200, "storage", 200), (999, "mgmt", 0)):
            vlan, _ = VLAN.objects.get_or_create(
                vid=vid,
                vlan_group=group,
                defaults={
                    "name": f"{loc_name}-{vname}",
                    "status": active,
                    "tenant": tenant,
                    "role": servers if vname != "mgmt" else None,
                    "description": f"{vname} VLAN in {loc_name}",
                },
            )
            vlan.locations.add(loc)
            if vname == "mgmt":
                if mgmt.vlan_id != vlan.pk:
                    mgmt.vlan = vlan
                    mgmt.save()
                continue
            pfx, _ = Prefix.objects.get_or_create(
                prefix=f"10.{idx}.{third}.0/24",
                namespace=global_ns,
                defaults={
                    "status": active,
                    "type": "network",
                    "tenant": tenant,
                    "role": servers,
                    "vlan": vlan,
                    "description": f"{loc_name} {vname}",
                },
            )
            pfx.locations.add(loc)

    devices = {}
    for name, loc_name, rack_name, pos, dt_model, dev_role, platform, mgmt_ip in devices_spec:
        loc = locations[loc_name]
        rack = Rack.objects.get(name=rack_name, location=loc)
        dev, _ = Device.objects.get_or_create(
            name=name,
            location=loc,
            defaults={
                "device_type": dts[dt_model],
                "role": dev_role,
                "platform": platform,
                "status": active,
                "tenant": tenant,
                "rack": rack,
                "position": pos,
                "face": "front",
                "serial": "SN" + "".join(f"{ord(c) % 10}" for c in name)[:10],
            },
        )
        devices[name] = dev
        for ifname, iftype in (
            ("Management1", "1000base-t"),
            ("Ethernet1", "100gbase-x-qsfp28"),
            ("Ethernet2", "100gbase-x-qsfp28"),
            ("Ethernet3", "100gbase-x-qsfp28"),
        ):
            Interface.objects.get_or_create(
                device=dev, name=ifname, defaults={"type": iftype, "status": active, "mgmt_only": ifname.startswith("M")}
            )
        mgmt_if = Interface.objects.get(device=dev, name="Management1")
        ip = IPAddress.objects.filter(host=mgmt_ip.split("/")[0], parent__namespace=global_ns).first()
        if ip is None:
            ip = IPAddress(address=mgmt_ip, namespace=global_ns, status=active, dns_name=f"{name}.example.net")
            ip.validated_save()
        if not mgmt_if.ip_addresses.filter(pk=ip.pk).exists():
            mgmt_if.ip_addresses.add(ip)
        if dev.primary_ip4_id != ip.pk:
            dev.primary_ip4 = ip
            dev.save()

    def cable(dev_a, if_a, dev_b, if_b):
        a = Interface.objects.get(device=devices[dev_a], name=if_a)
        b = Interface.objects.get(device=devices[dev_b], name=if_b)
        if a.cable_id or b.cable_id:
            return
        Cable(termination_a=a, termination_b=b, status=connected).validated_save()

    for site_name in ("ams01", "nyc01"):
        cable(f"{site_name}-spine-01", "Ethernet1", f"{site_name}-leaf-01", "Ethernet1")
        cable(f"{site_name}-spine-01", "Ethernet2", f"{site_name}-leaf-02", "Ethernet1")
        cable(f"{site_name}-leaf-01", "Ethernet3", f"{site_name}-leaf-02", "Ethernet3")

    # Circuits.
    transit, _ = CircuitType.objects.get_or_create(name="Internet Transit")
    mpls, _ = CircuitType.objects.get_or_create(name="MPLS")
    ntt, _ = Provider.objects.get_or_create(name="NTT", defaults={"asn": 2914, "account": "NTT-ACC-001"})
    zayo, _ = Provider.objects.get_or_create(name="Zayo", defaults={"asn": 6461, "account": "ZAYO-0042"})
    planned = Status.objects.get(name="Planned")
    for cid, provider, ctype, st, desc in (
        ("NTT-AMS-0001", ntt, transit, active, "ams01 internet uplink"),
        ("ZAYO-WAN-0001", zayo, mpls, active, "ams01 <-> nyc01 WAN"),
        ("ZAYO-NYC-0002", zayo, transit, planned, "nyc01 internet (planned)"),
    ):
        Circuit.objects.get_or_create(
            cid=cid,
            provider=provider,
            defaults={"circuit_type": ctype, "status": st, "tenant": tenant, "description": desc},
        )

    def term(cid, side, loc_name, speed):
        circuit = Circuit.objects.get(cid=cid)
        t, _ = CircuitTermination.objects.get_or_create(
            circuit=circuit, term_side=side, defaults={"location": locations[loc_name], "port_speed": speed}
        )
        return t

    t = term("NTT-AMS-0001", "A", "ams01", 10_000_000)
    edge_if = Interface.objects.get(device=devices["ams01-edge-01"], name="Ethernet1")
    if not t.cable_id and not edge_if.cable_id:
        Cable(termination_a=t, termination_b=edge_if, status=connected).validated_save()
    a = term("ZAYO-WAN-0001", "A", "ams01", 1_000_000)
    z = term("ZAYO-WAN-0001", "Z", "nyc01", 1_000_000)
    edge_if2 = Interface.objects.get(device=devices["ams01-edge-01"], name="Ethernet2")
    if not a.cable_id and not edge_if2.cable_id:
        Cable(termination_a=a, termination_b=edge_if2, status=connected).validated_save()
    nyc_if = Interface.objects.get(device=devices["nyc01-spine-01"], name="Ethernet3")
    if not z.cable_id and not nyc_if.cable_id:
        Cable(termination_a=z, termination_b=nyc_if, status=connected).validated_save()
    term("ZAYO-NYC-0002", "A", "nyc01", 10_000_000)


def jobs():
    """Make sure jobs from JOBS_ROOT have Job records and that the test jobs are enabled:
    Hello Device, and the stand-in for nautobot-ssot's IP Fabric job (jobs/nautobot_ssot/)."""
    from nautobot.extras.signals import refresh_job_models  # pylint: disable=import-outside-toplevel

    refresh_job_models(sender=django_apps.get_app_config("extras"), apps=django_apps)
    n = Job.objects.filter(
        module_name__in=["chatops_test_jobs", "nautobot_ssot.integrations.ipfabric.jobs"]
    ).update(enabled=True)
    return n


users()
data()
try:
    n_jobs = jobs()
except Exception as exc:  # pylint: disable=broad-except
    n_jobs = f"failed: {exc!r}"
print(
    "seed: devices=%d interfaces=%d cables=%d circuits=%d vlans=%d prefixes=%d test-jobs-enabled=%s"
    % (
        Device.objects.count(),
        Interface.objects.count(),
        Cable.objects.count(),
        Circuit.objects.count(),
        VLAN.objects.count(),
        Prefix.objects.count(),
        n_jobs,
    )
)
