"""The command lines ops/stack.py gives Rasa, read by Rasa's own argument parser."""

from rasa.__main__ import create_argument_parser

from ops.stack import make_stack, private_overrides


def test_an_api_token_starting_with_a_dash_reaches_rasa_whole(tmp_path):
    # secrets.token_urlsafe (how `make run` generates the token) starts with "-" one time
    # in 64; as a separate argument argparse took it for an option and Rasa did not start.
    token = "-Zx3_generated-token"
    overrides = private_overrides(f"sqlite:///{tmp_path / 'tracker.db'}", RASA_API_TOKEN=token)
    stack = make_stack(overrides, log_dir=tmp_path)
    command = list(stack.rasa_service("rasa", "5005").command)
    arguments = command[command.index("run") :]
    assert create_argument_parser().parse_args(arguments).auth_token == token
