"""A stand-in for the nautobot-ssot app's module path, so that the stand-in IP Fabric job
(`integrations/ipfabric/jobs.py`) gets the Job record the real app's job gets:
module `nautobot_ssot.integrations.ipfabric.jobs`, class `IpFabricDataSource`.

Nautobot imports every package and module under JOBS_ROOT (pkgutil.walk_packages),
so the job module registers itself; nothing here imports it.
"""
