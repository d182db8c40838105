"""Jobs for the chatops-operator tests (loaded from NAUTOBOT_JOBS_ROOT)."""

from nautobot.apps.jobs import BooleanVar, IntegerVar, Job, ObjectVar, StringVar, register_jobs
from nautobot.dcim.models import Device

name = "ChatOps Tests"  # grouping shown in the Nautobot UI


class HelloDevice(Job):
    """Says hello to a device; exercises string, integer, boolean and object variables."""

    greeting = StringVar(default="hello", description="What to say")
    times = IntegerVar(default=1, min_value=1, max_value=5, description="How many times")
    shout = BooleanVar(default=False, description="Upper-case the greeting")
    device = ObjectVar(model=Device, description="Device to greet")

    class Meta:
        name = "Hello Device"
        description = "Greets a device (test job for chatops-operator)"
        has_sensitive_variables = False

    def run(self, *, greeting, times, shout, device):  # pylint: disable=arguments-differ
        text = greeting.upper() if shout else greeting
        for _ in range(times):
            self.logger.info("%s %s", text, device.name, extra={"object": device})
        return f"{text} {device.name}"


register_jobs(HelloDevice)
