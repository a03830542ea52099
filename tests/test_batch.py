"""`check-batch` on generated batch input files: valid ones, each limit broken, bad lines."""
import json

import pytest
from click.testing import CliRunner

from qwen_migrate.cli import main
from qwen_migrate.settings import Settings
from qwen_migrate.facts import dashscope
from qwen_migrate.rules.qw602_batch_input_file import BatchFile

from helpers import check_batch


def request(number: int, model: str = "qwen3.6-plus", **body) -> str:
    body = {"model": model, "messages": [{"role": "user", "content": f"Question {number}"}], **body}
    return json.dumps({"custom_id": f"req-{number}", "method": "POST", "url": "/v1/chat/completions", "body": body})


def batch(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def messages(findings):
    return [(f.line, f.message) for f in findings]


def test_valid_file_has_no_findings(tmp_path):
    assert check_batch(batch(*(request(i) for i in range(1, 51))), tmp_path) == []


def test_the_batch_pages_test_file_has_no_findings(tmp_path):
    # Model Studio's Batch page, "Get started": batch-test-model answers requests sent to its test URL.
    lines = [
        json.dumps({"custom_id": str(number), "method": "POST", "url": "/v1/chat/ds-test", "body": {"model": "batch-test-model", "messages": [{"role": "user", "content": "Hello!"}]}})
        for number in (1, 2)
    ]
    assert check_batch(batch(*lines), tmp_path) == []


def test_request_limit(tmp_path):
    count = dashscope.BATCH_MAX_REQUESTS + 1
    findings = check_batch(batch(*(request(i) for i in range(1, count + 1))), tmp_path)
    assert messages(findings) == [(count, "More than 50,000 requests, the limit per file")]


def test_line_size_limit(tmp_path):
    huge = request(2, messages=[{"role": "user", "content": "x" * dashscope.BATCH_MAX_LINE_BYTES}])
    findings = check_batch(batch(request(1), huge, request(3)), tmp_path)
    assert messages(findings) == [(2, "Line is over 6 MB, the limit per request")]


def test_file_size_limit(tmp_path, monkeypatch):
    # A real 500 MB file costs the suite too much disk and time; the check reads the limit at run time.
    monkeypatch.setattr(dashscope, "BATCH_MAX_FILE_BYTES", 1024 * 1024)
    text = batch(*(request(i, messages=[{"role": "user", "content": "y" * 2000}]) for i in range(1, 600)))
    findings = check_batch(text, tmp_path)
    assert messages(findings) == [(1, "File is 1 MB, over the 1 MB limit")]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"custom_id": "req-2", "method": "POST"', "Not valid JSON: "),
        ('["req-2"]', "A request must be a JSON object"),
        ('{"custom_id": "req-2", "method": "POST", "url": "/v1/chat/completions"}', "Request lacks body"),
        (request(2).replace('"POST"', '"GET"'), "method must be \"POST\", not 'GET'"),
        (request(2).replace("/v1/chat/completions", "/v1/responses"), "url '/v1/responses' is not a batch endpoint"),
        (request(1), "custom_id 'req-1' repeats line 1"),
        (request(2, model="qwen3.6-flash"), "Model 'qwen3.6-flash' differs from 'qwen3.6-plus' (line 1): one file, one model"),
        (request(2, model=7), "body.model must be a string"),
        (request(2).replace('"messages"', '"n": ' + "[" * 2000 + "]" * 2000 + ', "messages"'), "JSON nested too deeply to read"),
        (request(2).replace('"messages"', '"n": ' + "9" * 4301 + ', "messages"'), "A number has too many digits to read"),
    ],
)
def test_bad_lines(tmp_path, line, message):
    findings = check_batch(batch(request(1), line, request(3)), tmp_path)
    assert [f.line for f in findings] == [2]
    assert findings[0].message.startswith(message)


def test_bodies_are_judged_by_the_code_rules(tmp_path):
    lines = [
        request(1, tools=[{"type": "function", "function": {"name": "f"}}], tool_choice="required", parallel_tool_calls=True),
        request(2, enable_thinking=False, max_completion_tokens=10),
        json.dumps({"custom_id": "e", "method": "POST", "url": "/v1/embeddings", "body": {"model": "qwen3.6-plus", "input": "x"}}),
    ]
    findings = check_batch(batch(*lines), tmp_path)
    # A body carries Qwen-only fields at the top level (no QW209), and without encoding_format it
    # gets DashScope's float default (no QW401): the SDK-only parts of those rules stay out.
    assert [(f.line, f.message.split()[0], f.severity.value) for f in findings] == [(1, "QW203", "error"), (2, "QW208", "warning")]


def test_ignored_rules_are_not_applied_to_bodies(tmp_path):
    findings = check_batch(batch(request(1, store=True)), tmp_path, Settings(ignore=("QW208",)))
    assert findings == []


def test_empty_file(tmp_path):
    assert messages(check_batch("\n\n", tmp_path)) == [(1, "File holds no requests")]


def test_command_exit_codes_and_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.jsonl").write_text(batch(request(1), request(2)))
    (tmp_path / "bad.jsonl").write_text(batch(request(1), request(1)))
    assert CliRunner().invoke(main, ["check-batch", "good.jsonl"]).exit_code == 0
    result = CliRunner().invoke(main, ["check-batch", "--format", "json", "good.jsonl", "bad.jsonl"])
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["code"]) for f in json.loads(result.output)["findings"]] == [("bad.jsonl", 2, "QW602")]
    assert CliRunner().invoke(main, ["check-batch", "missing.jsonl"]).exit_code == 2


def test_a_migration_report_is_not_written_of_a_batch_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.jsonl").write_text(batch(request(1)))
    result = CliRunner().invoke(main, ["check-batch", "--output-format", "html", "good.jsonl"])
    assert result.exit_code == 2 and "--output-format html reports on code" in result.output


def test_per_file_ignores_apply_to_batch_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jsonl").write_text(batch(request(1), request(1)))
    assert CliRunner().invoke(main, ["check-batch", "--per-file-ignores", "bad.jsonl:QW602", "bad.jsonl"]).exit_code == 0
    assert CliRunner().invoke(main, ["check-batch", "--per-file-ignores", "other.jsonl:QW602", "bad.jsonl"]).exit_code == 1


def test_batch_findings_have_fingerprints_that_survive_a_line_move(tmp_path, monkeypatch):
    """GitLab shows one issue per fingerprint, and baselines match by it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.jsonl").write_text(batch(request(1), request(1), request(2), request(2)))
    gitlab = json.loads(CliRunner().invoke(main, ["check-batch", "--output-format", "gitlab", "a.jsonl"]).output)
    fingerprints = [issue["fingerprint"] for issue in gitlab]
    assert len(fingerprints) == 2 and all(fingerprints) and len(set(fingerprints)) == 2
    (tmp_path / "a.jsonl").write_text(batch(request(3), request(1), request(1), request(2), request(2)))
    moved = json.loads(CliRunner().invoke(main, ["check-batch", "--output-format", "gitlab", "a.jsonl"]).output)
    assert [issue["fingerprint"] for issue in moved] == fingerprints


def test_unreadable_lines_are_findings_for_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "odd.jsonl").write_text(batch(request(1).replace("{", "[" * 2000 + "{", 1), request(2).replace("}}", ', "n": ' + "1" * 5000 + "}}")))
    result = CliRunner().invoke(main, ["check-batch", "--format", "json", "odd.jsonl"])
    assert result.exit_code == 1, result.output
    assert [(f["line"], f["code"]) for f in json.loads(result.output)["findings"]] == [(1, "QW602"), (2, "QW602")]


def test_qw602_judges_the_lines_it_is_given_without_reading_a_file():
    good = b'{"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "qwen3.6-plus", "messages": []}}\n'
    lines = [(1, good, False), (2, b"not json\n", False), (3, b"", True), (4, good, False)]
    problems = list(BatchFile([], Settings()).check(lines, size=len(good) * 2))
    assert [(problem.number, problem.message.split(":")[0]) for problem in problems] == [
        (2, "Not valid JSON"),
        (3, "Line is over 6 MB, the limit per request"),
        (4, "custom_id 'a' repeats line 1"),
    ]
