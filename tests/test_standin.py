"""The stand-in judges as DashScope does (issue 16): each test drives it with the real `openai`
package on loopback and checks one point where it must refuse what DashScope refuses, or serve what
DashScope serves."""
import asyncio
import io
import json

import openai
import pytest

import standin

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
ASK = [{"role": "user", "content": "Weather in Lisbon?"}]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)


@pytest.fixture
def chat(server):
    server.clear()
    return openai.OpenAI(api_key=standin.API_KEY, base_url=server.compatible_url, max_retries=0)


@pytest.fixture
def responses(server):
    server.clear()
    return openai.OpenAI(api_key=standin.API_KEY, base_url=server.responses_url, max_retries=0)


def batch_file(client, *lines, purpose="batch"):
    content = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    return client.files.create(file=("input.jsonl", io.BytesIO(content)), purpose=purpose)


def chat_request(custom_id="1", model="qwen-plus", **body):
    body = {"model": model, "messages": ASK, **body}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def test_more_than_ten_embedding_inputs_are_refused(chat):
    texts = [f"document {i}" for i in range(12)]
    with pytest.raises(openai.BadRequestError, match="should not be larger than 10"):
        chat.embeddings.create(model="text-embedding-v4", input=texts, encoding_format="float")
    assert len(chat.embeddings.create(model="text-embedding-v4", input=texts[:10], encoding_format="float").data) == 10


@pytest.mark.parametrize("tokens", [[9906, 1917], [[9906, 1917], [15339]]], ids=["one text", "two texts"])
def test_embedding_input_as_token_ids_is_refused(chat, tokens):
    # The embedding page takes a string or a list of strings: LangChain's OpenAIEmbeddings sends
    # tiktoken's token ids unless check_embedding_ctx_length=False.
    with pytest.raises(openai.BadRequestError, match="non-empty string or a list of non-empty strings"):
        chat.embeddings.create(model="text-embedding-v4", input=tokens, encoding_format="float")


@pytest.mark.parametrize("encoding", [{"encoding_format": "base64"}, {}], ids=["base64", "the SDK's default"])
def test_embedding_encodings_but_float_are_refused(chat, encoding):
    # Spec, "Embedding": "encoding_format: Only float is supported". The SDK asks for base64 when
    # given no encoding_format, and LangChain's OpenAIEmbeddings gives none.
    with pytest.raises(openai.BadRequestError, match="only supports float"):
        chat.embeddings.create(model="text-embedding-v4", input="refunds", **encoding)


def test_embeddings_are_non_zero_vectors_of_the_requested_dimensions(chat):
    result = chat.embeddings.create(model="text-embedding-v4", input=["refunds", "shipping"], dimensions=256, encoding_format="float")
    first, second = (item.embedding for item in result.data)
    assert len(first) == len(second) == 256
    assert any(first) and first != second
    again = chat.embeddings.create(model="text-embedding-v4", input="refunds", dimensions=256, encoding_format="float")
    assert again.data[0].embedding == first


@pytest.mark.parametrize("top_k", [0, 500, 50.0])  # the spec's top_k is an Integer in (0, 100]
def test_top_k_outside_the_spec_range_is_refused(chat, top_k):
    with pytest.raises(openai.BadRequestError, match="top_k"):
        chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, extra_body={"top_k": top_k})
    chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, extra_body={"top_k": 100})


def test_null_parameters_are_taken_as_left_out(chat):
    answer = chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, tools=[WEATHER], tool_choice=None, n=None, extra_body={"top_k": None})
    assert len(answer.choices) == 1 and answer.choices[0].message.tool_calls[0].function.name == "get_weather"
    upload = batch_file(chat, chat_request(n=None, tool_choice=None))
    assert chat.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h").status == "validating"


def test_n_is_refused_on_other_models_and_answered_with_n_choices_where_allowed(chat):
    with pytest.raises(openai.BadRequestError, match="n greater than 1"):
        chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, n=3)
    assert len(chat.chat.completions.create(model="qwen-plus", messages=ASK, n=3).choices) == 3


@pytest.mark.parametrize(
    "tool_choice", ["any", {"type": "function", "function": {"name": "get_time"}}], ids=["any", "unknown-function"]
)
def test_tool_choice_other_than_auto_none_or_a_given_function_is_refused(chat, tool_choice):
    with pytest.raises(openai.BadRequestError, match="tool_choice"):
        chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, tools=[WEATHER], tool_choice=tool_choice, parallel_tool_calls=True)


def test_tool_calls_are_returned_until_a_tool_answers(chat):
    first = chat.chat.completions.create(model="qwen3.6-plus", messages=ASK, tools=[WEATHER], parallel_tool_calls=True)
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Lisbon"}
    answered = ASK + [first.choices[0].message.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": call.id, "content": "sunny"}]
    second = chat.chat.completions.create(model="qwen3.6-plus", messages=answered, tools=[WEATHER], parallel_tool_calls=True)
    assert second.choices[0].message.content == "ok" and not second.choices[0].message.tool_calls


def test_batches_refuse_an_endpoint_the_batch_api_does_not_run_and_an_unknown_or_broken_input_file(chat):
    good = batch_file(chat, chat_request())
    with pytest.raises(openai.BadRequestError, match="endpoint"):
        chat.batches.create(input_file_id=good.id, endpoint="/v1/responses", completion_window="24h")
    with pytest.raises(openai.BadRequestError, match="input_file_id"):
        chat.batches.create(input_file_id="file-nobody-uploaded", endpoint="/v1/chat/completions", completion_window="24h")
    broken = {
        "two models": batch_file(chat, chat_request("1"), chat_request("2", model="qwen-max")),
        "not a request": batch_file(chat, {}),
        "a model the Batch API does not run": batch_file(chat, chat_request(model="qwen3.6-plus")),
        "a body chat refuses": batch_file(chat, chat_request(top_k=500)),
    }
    for reason, file in broken.items():
        with pytest.raises(openai.BadRequestError):
            chat.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions", completion_window="24h")
            pytest.fail(f"accepted an input file with {reason}")
    assert chat.batches.create(input_file_id=good.id, endpoint="/v1/chat/completions", completion_window="24h").status == "validating"


def test_batches_refuse_a_chat_model_the_singapore_batch_api_does_not_run(chat):
    # The Batch page: qwen-max, qwen-plus and qwen-turbo (retired); qwen-flash is served, but not in batches.
    upload = batch_file(chat, chat_request(model="qwen-flash"))
    with pytest.raises(openai.BadRequestError, match="does not run qwen-flash"):
        chat.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h")


def embedding_request(texts):
    return {"custom_id": "1", "method": "POST", "url": "/v1/embeddings", "body": {"model": "text-embedding-v4", "input": texts}}


@pytest.mark.parametrize(
    "texts, refusal",
    [
        ([f"text {i}" for i in range(11)], "batch size is invalid"),  # a body /v1/embeddings refuses
        (["one text"], "does not run text-embedding-v4"),  # the Singapore Batch API runs no embedding model
    ],
)
def test_batches_check_embedding_lines(chat, texts, refusal):
    upload = batch_file(chat, embedding_request(texts))
    with pytest.raises(openai.BadRequestError, match=refusal):
        chat.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")


def test_responses_refuse_a_model_the_responses_api_does_not_serve(responses):
    with pytest.raises(openai.NotFoundError):
        responses.responses.create(model="gpt-4o", input="Hi")


def test_responses_ignore_background_and_answer_at_once(responses, server):
    response = responses.responses.create(model="qwen3.6-plus", input="Hi", background=True)
    assert response.status == "completed" and response.output_text == "ok"
    assert server.ignored == ["responses:background"]


def test_responses_refuse_a_previous_response_nobody_made(responses):
    with pytest.raises(openai.NotFoundError):
        responses.responses.create(model="qwen3.6-plus", input="Hi", previous_response_id="resp_nobody_made")


def test_responses_record_a_parameter_the_page_does_not_list_as_ignored(responses, server):
    responses.responses.create(model="qwen3.6-plus", input="Hi", store=True)
    assert server.ignored == ["responses:store"]


def test_responses_stream_is_server_sent_events(responses):
    events = list(responses.responses.create(model="qwen3.6-plus", input="Hi", stream=True))
    assert [event.type for event in events][:2] == ["response.created", "response.in_progress"]
    assert "".join(event.delta for event in events if event.type == "response.output_text.delta") == "ok"
    assert events[-1].type == "response.completed" and events[-1].response.output_text == "ok"


def test_responses_return_a_function_call_until_its_output_comes_back(responses):
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER["function"]["parameters"]}
    first = responses.responses.create(model="qwen3.6-plus", input="Weather in Lisbon?", tools=[tool])
    call = first.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    output = {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}
    second = responses.responses.create(model="qwen3.6-plus", input=[output], tools=[tool], previous_response_id=first.id)
    assert second.output_text == "ok"


def test_objects_made_earlier_can_be_retrieved_cancelled_and_deleted(chat, responses):
    upload = batch_file(chat, chat_request())
    batch = chat.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h")
    assert chat.batches.retrieve(batch.id).id == batch.id
    assert chat.batches.cancel(batch.id).status == "cancelled"
    assert chat.files.delete(upload.id).deleted
    with pytest.raises(openai.NotFoundError):
        chat.files.retrieve(upload.id)
    conversation = responses.conversations.create()
    assert responses.conversations.retrieve(conversation.id).id == conversation.id


def test_file_and_batch_output_expiry_are_ignored(chat, server):
    # Spec, "Storage limits": files never expire.
    after = {"anchor": "created_at", "seconds": 3600}
    upload = chat.files.create(file=("input.jsonl", io.BytesIO(json.dumps(chat_request()).encode())), purpose="batch", expires_after=after)
    chat.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h", output_expires_after=after)
    assert server.ignored == ["files.create:expires_after[anchor]", "files.create:expires_after[seconds]", "batches.create:output_expires_after"]


def test_a_polled_batch_runs_to_completion(chat):
    upload = batch_file(chat, chat_request("1"), chat_request("2"))
    batch = chat.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h")
    statuses = [chat.batches.retrieve(batch.id).status for _ in range(4)]
    assert statuses == ["in_progress", "finalizing", "completed", "completed"]
    assert chat.batches.retrieve(batch.id).request_counts.completed == 2


def test_stream_with_include_usage_ends_with_a_usage_chunk(server):
    server.clear()

    async def stream():
        client = openai.AsyncOpenAI(api_key=standin.API_KEY, base_url=server.compatible_url, max_retries=0)
        chunks = await client.chat.completions.create(model="qwen3.6-flash", messages=ASK, stream=True, stream_options={"include_usage": True})
        return [chunk async for chunk in chunks]

    chunks = asyncio.run(stream())
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 2
    assert all(chunk.usage is None for chunk in chunks[:-1])


@pytest.mark.parametrize("model", ["qwen3-max", "qwen-flash", "qwen3.5-plus", "qwen3.6-flash"])
def test_current_model_names_are_served(chat, responses, model):
    assert chat.chat.completions.create(model=model, messages=ASK).choices[0].message.content == "ok"
    assert responses.responses.create(model=model, input="Hi").output_text == "ok"
