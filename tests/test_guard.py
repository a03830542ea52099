"""The runtime guard (qwen_migrate.guard) on real OpenAI SDK clients, sync, async and streaming, against
the stand-in on loopback: what it finds, where it points, and that it lets every request go unchanged
("record", "warn") or stops it before it leaves ("raise")."""
import asyncio
import json
from importlib import resources
from pathlib import Path

import httpx2
import jsonschema
import openai
import pytest
from pydantic import BaseModel

import standin
from qwen_migrate import baseline, guard
from qwen_migrate.guard import Guard, GuardError, GuardWarning
from qwen_migrate.settings import Settings

HERE = Path(__file__)
SOURCE = HERE.read_text().splitlines()
TOOLS = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]
DASHSCOPE = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
SARIF_SCHEMA = json.loads((HERE.parent / "data" / "sarif-schema-2.1.0.json").read_text())


def line_of(marker: str) -> int:
    """The line of this file that carries `# <marker>`: where a request is sent from."""
    return next(number for number, text in enumerate(SOURCE, 1) if text.endswith(f"# {marker}"))


@pytest.fixture
def settings(server):
    """The stand-in's URLs as the configured DashScope endpoints."""
    server.clear()
    return Settings(base_url=server.compatible_url, responses_base_url=server.responses_url)


def sync_client(server, g: Guard, **options) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, http_client=guard.Client(g), max_retries=0, **options)


def async_client(server, g: Guard) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, http_client=guard.AsyncClient(g), max_retries=0)


def ask_with_tools(client, tool_choice):
    return client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, tools=TOOLS, parallel_tool_calls=True, tool_choice=tool_choice)  # sends tool_choice


def found(g: Guard) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in g.findings]


def test_record_lets_the_request_go_and_keeps_the_finding_at_its_call_site(server, settings):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    with pytest.raises(openai.BadRequestError):  # DashScope (the stand-in) refuses it
        ask_with_tools(client, "required")
    assert server.refusals == ["invalid_parameter"]
    line = line_of("sends tool_choice")
    assert found(g) == [("QW203", line, SOURCE[line - 1].index("client.chat") + 1)]
    finding = g.findings[0]
    assert Path(finding.path).resolve() == HERE
    assert finding.message == 'tool_choice="required" is not supported by DashScope (use "auto", "none" or a function object)'
    assert finding.fix is None and finding.fingerprint


def test_a_request_the_rules_accept_leaves_no_finding(server, settings):
    g = Guard(settings=settings)
    ask_with_tools(sync_client(server, g), "auto")
    assert g.findings == [] and server.refusals == []


def test_raise_stops_the_request_before_it_leaves(server, settings):
    g = Guard("raise", settings)
    with pytest.raises(GuardError) as raised:  # not the SDK's APIConnectionError, and not retried
        ask_with_tools(sync_client(server, g), "required")
    assert server.exchanges == []
    assert [f.code for f in raised.value.findings] == ["QW203"]
    assert str(raised.value).startswith('QW203 tool_choice="required" is not supported by DashScope')
    assert f":{line_of('sends tool_choice')})" in str(raised.value)


def test_warn_shows_a_warning_at_the_call_site_and_lets_the_request_go(server, settings):
    g = Guard("warn", settings)
    with pytest.warns(GuardWarning) as warned, pytest.raises(openai.BadRequestError):
        ask_with_tools(sync_client(server, g), "required")
    guard_warnings = [w for w in warned if w.category is GuardWarning]  # not a ResourceWarning of another test's client
    assert [(Path(w.filename), w.lineno) for w in guard_warnings] == [(HERE, line_of("sends tool_choice"))]
    assert str(guard_warnings[0].message).startswith("QW203 ")
    assert server.refusals == ["invalid_parameter"]


@pytest.mark.parametrize("mode", ["record", "warn", "raise"])
def test_async_streaming_requests_are_judged_in_each_mode(server, settings, mode, recwarn):
    g = Guard(mode, settings)
    client = async_client(server, g)

    async def stream(tool_choice):
        chunks = await client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, tools=TOOLS, parallel_tool_calls=True, tool_choice=tool_choice, stream=True)  # streams
        return [chunk async for chunk in chunks]

    async def accepted_then_refused():
        async with client:
            accepted = await stream("auto")
            with pytest.raises(GuardError if mode == "raise" else openai.BadRequestError):
                await stream("required")
        return accepted

    assert asyncio.run(accepted_then_refused())
    assert [(code, line) for code, line, _ in found(g)] == [("QW203", line_of("streams"))]
    assert len(server.exchanges) == (1 if mode == "raise" else 2)  # raised: only the accepted request left
    assert len([w for w in recwarn if w.category is GuardWarning]) == (1 if mode == "warn" else 0)


class Invoice(BaseModel):
    total: float


def test_sync_streams_and_sdk_helpers_are_judged_by_what_they_send(server, settings):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.parse(model="qwen3.6-plus", messages=MESSAGES, response_format=Invoice)  # parses
    stream = client.chat.completions.create(model="qwen3-32b", messages=MESSAGES, stream=True, extra_body={"enable_thinking": True})
    assert list(stream)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="qwen3-32b", messages=MESSAGES, extra_body={"enable_thinking": True})  # thinks
    assert [(code, line) for code, line, _ in found(g)] == [("QW201", line_of("parses")), ("QW212", line_of("thinks"))]


def test_parameters_built_at_run_time_are_judged(server, settings):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    texts = [f"chunk {n}" for n in range(12)]
    with pytest.raises(openai.BadRequestError):
        client.embeddings.create(model="text-embedding-v4", input=texts)  # embeds
    assert {code for code, _, _ in found(g)} == {"QW401", "QW404"}  # the SDK sends base64 unless told otherwise


def test_uploads_are_judged_by_their_form_fields_and_reach_the_server_whole(server, settings, tmp_path):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    data = tmp_path / "requests.jsonl"
    data.write_bytes(b'{"custom_id": "1"}\n' * 5000)
    purpose = "fine-tune"
    with pytest.raises(openai.BadRequestError), data.open("rb") as file:
        client.files.create(file=file, purpose=purpose)  # uploads
    with data.open("rb") as file:
        uploaded = client.files.create(file=file, purpose="batch")
    assert server.files[uploaded.id]["content"] == data.read_bytes()
    client.files.list(purpose="batch")  # lists
    assert "files.list:purpose" in server.ignored
    assert [(code, line) for code, line, _ in found(g)] == [("QW501", line_of("uploads")), ("QW503", line_of("lists"))]


def test_a_legacy_httpx_client_given_to_the_sdk_is_guarded_too(server, settings):
    import httpx

    g = Guard("raise", settings)
    client = openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, http_client=guard.attach(httpx.Client(), g), max_retries=0)
    with pytest.raises(GuardError):
        ask_with_tools(client, "required")
    assert server.exchanges == []


def test_async_uploads_are_judged_by_their_form_fields(server, settings):
    g = Guard(settings=settings)

    async def upload():
        async with async_client(server, g) as client:
            with pytest.raises(openai.BadRequestError):
                await client.files.create(file=("tickets.jsonl", b'{"custom_id": "1"}\n'), purpose="assistants")  # uploads async

    asyncio.run(upload())
    assert [(code, line) for code, line, _ in found(g)] == [("QW501", line_of("uploads async"))]


def test_a_request_the_guard_cannot_judge_still_leaves_with_a_warning(server, settings, monkeypatch):
    def broken(self, request):
        raise ValueError("a body no rule expected")

    monkeypatch.setattr(Guard, "judge", broken)
    g = Guard("raise", settings)
    with pytest.warns(GuardWarning, match="could not judge a request to /compatible-mode/v1/chat/completions: ValueError"):
        ask_with_tools(sync_client(server, g), "auto")
    assert [exchange.status for exchange in server.exchanges] == [200]


def test_an_upload_read_from_a_pipe_reaches_the_server_whole():
    """A file part without a name, read from a stream that cannot be read twice: the guard takes the
    form fields from what httpx builds the body of, never from the body. (A pipe has no length for
    a Content-Length, so a transport in-process receives it rather than the stand-in.)"""
    import os
    import threading

    data = b'{"custom_id": "1"}\n' * 10_000
    received = []

    def answer(request):
        received.append(request.read())
        return httpx2.Response(200, json={"id": "file-1", "object": "file", "bytes": 1, "created_at": 0, "filename": "x", "purpose": "batch", "status": "processed"})

    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_end, data), os.close(write_end)))
    writer.start()
    g = Guard(settings=Settings())
    client = openai.OpenAI(api_key="sk-test", base_url=DASHSCOPE, http_client=guard.Client(g, transport=httpx2.MockTransport(answer)))
    with os.fdopen(read_end, "rb") as pipe:
        client.files.create(file=("", pipe), purpose="fine-tune")
    writer.join()
    assert data in received[0] and [f.code for f in g.findings] == ["QW501"]


def test_a_key_in_a_request_is_masked_in_what_the_guard_shows(server, settings):
    g = Guard("raise", settings)
    with pytest.raises(GuardError) as raised:
        sync_client(server, g).chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, n=9, user="sk-abcdef1234567890abcdef1234")  # n out of range
    assert "sk-abcdef1234567890abcdef1234" not in str(raised.value) + "".join(f.message for f in g.findings)
    assert [f.code for f in g.findings] == ["QW206"]


def test_null_parameters_and_empty_ignored_ones_are_not_reported(server, settings):
    """As DashScope takes them: a null is a parameter left out, and ignoring an empty list loses nothing."""
    g = Guard(settings=settings)
    client = sync_client(server, g)
    client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, frequency_penalty=None, store=None, metadata={})
    client.with_options(base_url=server.responses_url).responses.create(model="qwen3.6-plus", input="Hi", include=[], store=None)
    assert g.findings == []


def test_a_finding_names_its_file_from_where_the_program_runs_at_the_end(server, settings, monkeypatch, tmp_path):
    g = Guard(settings=settings)
    monkeypatch.chdir(tmp_path)  # a test that changes directory before its request
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(sync_client(server, g), "required")
    monkeypatch.undo()
    assert Path(g.findings[0].path).resolve() == HERE and not Path(g.findings[0].path).is_absolute()


def test_a_request_sent_from_a_deleted_folder_still_leaves(server, settings, monkeypatch, tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    for mode, refused in (("record", openai.BadRequestError), ("raise", GuardError)):
        with pytest.raises(refused):
            ask_with_tools(sync_client(server, Guard(mode, settings)), "required")
    assert server.refusals == ["invalid_parameter"]


def test_columns_count_characters_on_a_line_with_other_scripts(server, settings):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    with pytest.raises(openai.BadRequestError):
        greeting = "你好"; client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, tools=TOOLS, tool_choice="required")  # noqa: E702  # after text
    line = line_of("after text")
    assert found(g)[0] == ("QW203", line, SOURCE[line - 1].index("client.chat") + 1) and greeting


def test_requests_are_sent_unchanged(server, settings):
    bodies = []
    for client in (sync_client(server, Guard(settings=settings)), openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, max_retries=0)):
        client.chat.completions.create(model="qwen3.6-plus", messages=MESSAGES, temperature=0.2, extra_body={"top_k": 20})
        bodies.append(server.exchanges[-1].body)
    assert bodies[0] == bodies[1]


def test_apis_dashscope_does_not_offer_are_named_by_their_route(server, settings):
    g = Guard(settings=settings)
    client = sync_client(server, g)
    with pytest.raises(openai.NotFoundError):
        client.images.generate(model="qwen-image", prompt="a lighthouse")
    with pytest.raises(openai.NotFoundError):
        client.fine_tuning.jobs.create(model="qwen3.6-plus", training_file="file-1")
    assert [f.message for f in g.findings] == [
        "images.generate(): the images API is not offered by DashScope's compatible mode",
        "fine_tuning.jobs.create(): the fine-tuning API is not offered by DashScope's compatible mode",
    ]


def test_the_session_cache_header_the_request_carries_is_read(server, settings):
    g = Guard(settings=settings)
    first = openai.OpenAI(base_url=server.responses_url, api_key=standin.API_KEY, http_client=guard.Client(g), max_retries=0)
    cached = openai.OpenAI(
        base_url=server.responses_url, api_key=standin.API_KEY, http_client=guard.Client(g), max_retries=0,
        default_headers={"x-dashscope-session-cache": "enable"},
    )
    response = first.responses.create(model="qwen3.6-plus", input="Plan a trip")
    first.responses.create(model="qwen3.6-plus", input="And back?", previous_response_id=response.id)  # without the cache
    cached.responses.create(model="qwen3.6-plus", input="And back?", previous_response_id=response.id)
    assert [(code, line) for code, line, _ in found(g)] == [("QW304", line_of("without the cache"))]


def test_requests_to_another_host_are_not_judged(server):
    g = Guard(settings=Settings())  # the stand-in's loopback URL is nobody's DashScope here: a local server
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(sync_client(server, g), "required")
    assert g.findings == []


def test_requests_to_openai_are_judged_for_what_dashscope_would_refuse():
    sent = []

    def answer(request):
        sent.append(request.url.host)
        return httpx2.Response(200, json={"object": "list", "data": [], "model": "x", "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    g = Guard(settings=Settings())
    client = openai.OpenAI(api_key="sk-test", http_client=guard.Client(g, transport=httpx2.MockTransport(answer)))
    client.embeddings.create(model="text-embedding-3-small", input="hello", encoding_format="float")
    assert sent == ["api.openai.com"] and [f.code for f in g.findings] == ["QW210"]


def test_client_without_a_guard_attaches_the_shared_one(server, settings, monkeypatch):
    g = Guard(settings=settings)
    monkeypatch.setattr(guard, "_shared", g)
    client = openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, http_client=guard.Client(), max_retries=0)
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(client, "required")
    assert guard.shared() is g and [f.code for f in g.findings] == ["QW203"]


def test_attach_guards_a_client_built_already_once(server, settings):
    g = Guard(settings=settings)
    client = openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, max_retries=0)
    assert guard.attach(guard.attach(client, g), g) is client
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(client, "required")
    assert [sent.count for sent in g.sent] == [1]


def test_install_guards_every_client_built_after_it_frameworks_included(server, settings, monkeypatch):
    from langchain_openai import ChatOpenAI

    g = Guard(settings=settings)
    guard.install(g)
    try:
        model = ChatOpenAI(model="qwen3.6-plus", base_url=server.compatible_url, api_key=standin.API_KEY, max_retries=0)
        with pytest.raises(openai.BadRequestError):
            model.bind_tools(TOOLS, tool_choice="any").invoke("Weather in Paris?")  # through LangChain
    finally:
        guard.uninstall()
    unguarded = openai.OpenAI(base_url=server.compatible_url, api_key=standin.API_KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(unguarded, "required")
    assert [(code, line) for code, line, _ in found(g)] == [("QW203", line_of("through LangChain")), ("QW205", line_of("through LangChain"))]


def test_ignore_select_and_per_file_ignores_apply(server, settings):
    for ignoring in ({"ignore": ("QW205",)}, {"select": ("QW203",)}):
        g = Guard(settings=Settings(**{**settings.__dict__, **ignoring}))
        with pytest.raises(openai.BadRequestError):
            ask_with_tools(sync_client(server, g), "required")
        assert [f.code for f in g.findings] == ["QW203"]
    g = Guard(settings=Settings(**{**settings.__dict__, "root": HERE.parent, "per_file_ignores": {HERE.name: ("QW2",)}}))
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(sync_client(server, g), "required")
    assert g.findings == []


def test_reports_and_baselines_take_runtime_findings(server, settings, tmp_path):
    g = Guard(settings=settings)
    with pytest.raises(openai.BadRequestError):
        ask_with_tools(sync_client(server, g), "required")
    document = json.loads(g.report("json"))
    jsonschema.validate(document, json.loads(resources.files("qwen_migrate").joinpath("report-schema.json").read_text()))
    assert [f["code"] for f in document["findings"]] == ["QW203"]
    sarif = json.loads(g.report("sarif"))
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["QW203"]
    assert standin.API_KEY not in g.report("text") + g.report("json") + g.report("sarif")

    known = tmp_path / "baseline.json"
    baseline.write(known, g.findings)
    g = Guard("raise", settings, known=baseline.read(known))
    with pytest.raises(openai.BadRequestError):  # known: neither raised nor reported, but still sent
        ask_with_tools(sync_client(server, g), "required")
    with pytest.raises(GuardError):
        sync_client(server, g).chat.completions.create(model="gpt-4o", messages=MESSAGES)  # new
    run = g.run()
    assert run.baselined == 1 and [(f.code, f.line) for f in run.findings] == [("QW210", line_of("new"))]


def test_guard_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="record, warn, raise"):
        Guard("strict", Settings())
