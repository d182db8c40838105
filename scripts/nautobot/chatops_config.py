# nautobot-chatops settings of the test Nautobot (scripts/nautobot/up), written
# the way a nautobot_config.py holds them: `up` appends a block to the generated
# $NAUTOBOT_ROOT/nautobot_config.py that loads this file's upper-case names, and
# the migration tests read this same file with
# `chatops-operator import --config scripts/nautobot/chatops_config.py`.
#
# TEST-ONLY values: the signing secret, the bot tokens and the Mattermost URL
# belong to no real Slack or Mattermost; the server listens on loopback and its
# outbound chat calls go to the tests' fake (scripts/nautobot/chatops_test_hooks.py).
import os

PLUGINS = ["nautobot_chatops"]

PLUGINS_CONFIG = {
    "nautobot_chatops": {
        # Slack: slash commands signed with this secret, answers posted with this bot token.
        "enable_slack": True,
        "slack_signing_secret": "chatops-i24-test-only-slack-signing-secret",
        "slack_api_token": "xoxb-2400000000-2400000000000-chatopsi24testonlytoken",
        "slack_slash_command_prefix": "/",
        # Mattermost: slash commands carry a CommandToken (seeded through the REST API);
        # answers go to {mattermost_url}/api/v4 with this bot token.
        "enable_mattermost": True,
        "mattermost_api_token": "chatopsi24testonlymattermostbottoken",
        "mattermost_url": os.getenv("NAUTOBOT_CHATOPS_MATTERMOST_URL", "http://127.0.0.1:8065"),
        # Teams and Webex stay off in the tests.
        "enable_ms_teams": False,
        "enable_webex": False,
        "send_all_messages_private": False,
        "restrict_help": False,
    }
}
