#!/usr/bin/env python3
"""Replays a list of requests against an OpenAI-compatible server (a `switchyard serve` gateway) with the official
OpenAI Python client, each at its arrival time, and records what the client saw.

    replay-live.py BASE_URL REQUESTS.jsonl OUT.jsonl

REQUESTS.jsonl: one {"arrival": seconds, "prompt_words": n, "max_tokens": m, "nonce": k} per line. The prompt is k
followed by n plain words (a unique start, so no two share a cached prefix); the reply is streamed with ignore_eos,
so it has exactly m tokens. OUT.jsonl: per request its arrival, TTFT and E2E in seconds (from the moment it was
sent), and the server's usage (prompt_tokens, completion_tokens), or the error.
"""
import asyncio, json, sys, time

from openai import AsyncOpenAI

WORDS = ["river", "stone", "window", "garden", "market", "letter", "winter", "silver", "engine", "harbor",
         "forest", "candle", "mirror", "ladder", "orange", "pencil", "valley", "rocket", "island", "basket"]


def prompt(words, nonce):
    state = (nonce * 2654435761 + 12345) & ((1 << 64) - 1)
    parts = [f"Request {nonce}:"]
    for _ in range(words):
        state = (state * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
        parts.append(WORDS[(state >> 33) % len(WORDS)])
    return " ".join(parts)


async def one(client, model, request, start, results):
    await asyncio.sleep(max(0.0, start + request["arrival"] - time.monotonic()))
    sent = time.monotonic()
    record = {"arrival": request["arrival"], "nonce": request["nonce"]}
    try:
        stream = await client.completions.create(
            model=model, prompt=prompt(request["prompt_words"], request["nonce"]), max_tokens=request["max_tokens"],
            stream=True, stream_options={"include_usage": True}, temperature=0, extra_body={"ignore_eos": True})
        first = None
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].text and first is None:
                first = time.monotonic() - sent
            if chunk.usage:
                record["prompt_tokens"] = chunk.usage.prompt_tokens
                record["completion_tokens"] = chunk.usage.completion_tokens
        record["ttft"] = first
        record["e2e"] = time.monotonic() - sent
    except Exception as error:  # recorded, not raised: one failure must not stop the replay
        record["error"] = str(error)[:300]
    results.append(record)


async def main():
    base, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    requests = [json.loads(line) for line in open(path) if line.strip()]
    client = AsyncOpenAI(base_url=base.rstrip("/") + "/v1", api_key="unused", timeout=1800, max_retries=0)
    model = (await client.models.list()).data[0].id
    results = []
    start = time.monotonic()
    await asyncio.gather(*(one(client, model, r, start, results) for r in requests))
    results.sort(key=lambda r: r["arrival"])
    with open(out, "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")
    ok = [r for r in results if "e2e" in r and r.get("ttft") is not None]
    print(f"{len(ok)}/{len(results)} completed; mean E2E {sum(r['e2e'] for r in ok) / max(1, len(ok)):.3f} s")


asyncio.run(main())
