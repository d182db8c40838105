# TEST-ONLY, loaded by the block `scripts/nautobot/up` appends to the test
# Nautobot's nautobot_config.py (never part of chatops_config.py, which stays a
# plain settings file for `chatops-operator import --config`).
#
# nautobot-chatops posts its Slack answers with slack_sdk's WebClient, whose
# base URL is https://slack.com/api/ and which the app builds without a
# base_url. When CHATOPS_TEST_SLACK_API_URL is set (by `up`, to the tests' fake
# Slack Web API, e.g. http://127.0.0.1:8491/api/), every slack_sdk client of
# this process (web server and Celery worker) talks to it instead. Nothing of
# nautobot-chatops or slack_sdk is changed on disk.
import functools
import os

_SLACK_API_URL = os.getenv("CHATOPS_TEST_SLACK_API_URL", "")

if _SLACK_API_URL:
    from slack_sdk.web.base_client import BaseClient as _BaseClient

    if not getattr(_BaseClient.__init__, "_chatops_test_base_url", False):
        _original_init = _BaseClient.__init__

        @functools.wraps(_original_init)
        def _init_with_test_base_url(self, *args, **kwargs):
            # BaseClient(token=None, base_url=..., ...): base_url is the second positional.
            if len(args) >= 2:
                args = (args[0], _SLACK_API_URL, *args[2:])
            else:
                kwargs["base_url"] = _SLACK_API_URL
            _original_init(self, *args, **kwargs)

        _init_with_test_base_url._chatops_test_base_url = True
        _BaseClient.__init__ = _init_with_test_base_url
