"""TEST-ONLY nautobot-chatops commands: the ones the access-grant guide uses.

docs/models/accessgrant.md grants `support`, `devops`, `jokes`, `network`
(sub-commands `history`, `redeploy`, `status`) and `weather`; nautobot-chatops
has none of them. Each sub-command here only answers one visible line,
`ran <command> <sub-command> for <user_id> in <channel_id>`, so a test can tell
"the app ran the command" from "the app refused it" (the access-grant error).
"""

from nautobot_chatops.choices import CommandStatusChoices
from nautobot_chatops.workers import handle_subcommands, subcommand_of


def _ran(dispatcher, command, subcommand):
    context = dispatcher.context
    dispatcher.send_markdown(
        f"ran {command} {subcommand} for {context.get('user_id')} in {context.get('channel_id')}"
    )
    return CommandStatusChoices.STATUS_SUCCEEDED


def support(subcommand, **kwargs):
    """Test-only support desk command."""
    return handle_subcommands("support", subcommand, **kwargs)


@subcommand_of("support")
def ticket(dispatcher, *args):
    """Open a (pretend) support ticket."""
    return _ran(dispatcher, "support", "ticket")


def devops(subcommand, **kwargs):
    """Test-only devops command."""
    return handle_subcommands("devops", subcommand, **kwargs)


@subcommand_of("devops")
def deploy(dispatcher, *args):
    """Deploy (pretend)."""
    return _ran(dispatcher, "devops", "deploy")


def jokes(subcommand, **kwargs):
    """Test-only jokes command."""
    return handle_subcommands("jokes", subcommand, **kwargs)


@subcommand_of("jokes")
def tell(dispatcher, *args):
    """Tell a joke."""
    return _ran(dispatcher, "jokes", "tell")


def network(subcommand, **kwargs):
    """Test-only network command with a destructive sub-command."""
    return handle_subcommands("network", subcommand, **kwargs)


@subcommand_of("network")
def history(dispatcher, *args):
    """Show the (pretend) change history."""
    return _ran(dispatcher, "network", "history")


@subcommand_of("network")
def redeploy(dispatcher, *args):
    """Redeploy the network (pretend; the guide's destructive sub-command)."""
    return _ran(dispatcher, "network", "redeploy")


@subcommand_of("network")
def status(dispatcher, *args):
    """Show the (pretend) network status."""
    return _ran(dispatcher, "network", "status")


def weather(subcommand, **kwargs):
    """Test-only weather command."""
    return handle_subcommands("weather", subcommand, **kwargs)


@subcommand_of("weather")
def forecast(dispatcher, *args):
    """Give a (pretend) forecast."""
    return _ran(dispatcher, "weather", "forecast")
