"""The load command at a small size: every turn of every conversation answered right."""

from load_test.__main__ import main


def test_a_small_load_run_has_no_errors(capsys):
    assert main(["--conversations", "100", "--concurrency", "50"]) == 0
    output = capsys.readouterr().out
    assert "100 conversations, 700 turns, 50 at a time" in output
    assert "0 errors" in output
