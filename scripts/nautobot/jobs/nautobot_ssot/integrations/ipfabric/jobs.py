"""A stand-in for nautobot-ssot's IP Fabric job, for the chatops-operator tests.

The real job (nautobot-app-ssot, `nautobot_ssot/integrations/ipfabric/jobs.py`, class
`IpFabricDataSource`) reads IP Fabric through the host and token of nautobot-ssot's app
settings, fixed when Nautobot starts. The tests' IP Fabric is a fake on a port each test
chooses, so nautobot-ssot cannot be configured against it here, and it is not installed.
This job takes the place of the real one under the same module path and class name, with
the same variables, types, defaults and choices, so that Nautobot lists, validates and
runs what the gateway sends exactly as it would for the real job; its `run` syncs
nothing but logs its inputs and returns them, for the tests to read from the JobResult.
"""

from nautobot.apps.jobs import BooleanVar, ChoiceVar, DryRunVar, Job, ScriptVariable, register_jobs
from nautobot.core.forms import DynamicModelChoiceField
from nautobot.dcim.models import Location

name = "SSoT - IPFabric"  # the real module's grouping

# The real job offers IP Fabric's loaded snapshots as the `snapshot` choices, by id,
# `$last`, `$prev` and `$lastLocked` named in the label, not as values. These are the
# loaded snapshots of the tests' fake IP Fabric (testkit/src/fake_ipfabric.rs: LAST_SNAPSHOT,
# PREV_SNAPSHOT, LOCKED_SNAPSHOT), labelled as the real job labels them. Its fourth
# snapshot is not loaded, so it is not a choice, as in the real job.
SNAPSHOT_CHOICES = (
    ("5e2b7c1a-9d3f-4e8a-b6c0-1f2a3b4c5d6e", "$last: Nightly 2026-12-03 - 03-Dec-26 02:45:00"),
    ("3c9a1e7f-2b4d-4c6e-8a0b-7d8e9f0a1b2c", "$prev: 02-Dec-26 02:45:00 - 3c9a1e7f-2b4d-4c6e-8a0b-7d8e9f0a1b2c"),
    ("8f4d2a6c-1e3b-4a5c-9d7e-2b3c4d5e6f70", "$lastLocked: Baseline before CHG-4711 - 26-Nov-26 02:50:00"),
)


class OptionalObjectVar(ScriptVariable):
    """An optional choice of one object, passed to `run` as its primary key (as the real job's)."""

    form_field = DynamicModelChoiceField

    def __init__(self, model, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_attrs["queryset"] = model.objects.all()
        self.field_attrs.update({"display_field": "display", "query_params": None, "null_option": None})


class IpFabricDataSource(Job):
    """Stands in for nautobot-ssot's IP Fabric ⟹ Nautobot sync: logs and returns its inputs, syncs nothing."""

    # From nautobot-ssot's DataSyncBaseJob: the dry run is on unless the caller says otherwise.
    dryrun = DryRunVar(description="Perform a dry-run, making no actual changes to Nautobot data.", default=True)
    memory_profiling = BooleanVar(description="Perform a memory profiling analysis.", default=False)
    parallel_loading = BooleanVar(
        description="Load source and target adapters in parallel for improved performance.", default=False
    )
    # The IP Fabric job's own.
    debug = BooleanVar(description="Enable for more verbose debug logging")
    snapshot = ChoiceVar(
        description="IPFabric snapshot to sync from. Defaults to $last",
        choices=SNAPSHOT_CHOICES,
        default=SNAPSHOT_CHOICES[0][0],
        required=False,
    )
    safe_delete_mode = BooleanVar(
        description="Records are not deleted. Status fields are updated as necessary.",
        default=True,
        label="Safe Delete Mode",
    )
    sync_ipfabric_tagged_only = BooleanVar(
        default=True,
        label="Sync Tagged Only",
        description="Only sync objects that have the 'SSoT Synced from IPFabric' Tag.",
    )
    location_filter = OptionalObjectVar(
        description="Only sync Nautobot records belonging to a single Location.",
        model=Location,
        required=False,
    )

    class Meta:
        """As the real job's Meta (its icon aside); `has_sensitive_variables` is left at Nautobot's default, as there."""

        name = "IPFabric ⟹ Nautobot"
        description = "Sync data from IP Fabric into Nautobot."
        field_order = ("debug", "snapshot", "safe_delete_mode", "sync_ipfabric_tagged_only", "dryrun")

    def run(self, *args, **kwargs):  # pylint: disable=arguments-differ
        """Logs what the sync would run with and returns it; changes nothing."""
        inputs = {
            "snapshot": kwargs.get("snapshot"),
            "dryrun": kwargs.get("dryrun"),
            "safe_delete_mode": kwargs.get("safe_delete_mode"),
            "sync_ipfabric_tagged_only": kwargs.get("sync_ipfabric_tagged_only"),
            "location_filter": str(kwargs["location_filter"]) if kwargs.get("location_filter") else None,
            "debug": kwargs.get("debug"),
            "memory_profiling": kwargs.get("memory_profiling"),
            "parallel_loading": kwargs.get("parallel_loading"),
        }
        self.logger.info("Stand-in for nautobot-ssot: no sync; the job ran with %s", inputs)
        return inputs


register_jobs(IpFabricDataSource)
