#!/usr/bin/env python3
"""Closed-loop multi-turn chats against an OpenAI-compatible server (a `switchyard serve` gateway) with the official
OpenAI Python client, as people chat: each conversation sends its next turn only after the previous reply has
arrived and been read, and the next prompt carries the earlier turns with the model's real replies. All
conversations share one system prompt. Text comes from the ShareGPT sample bundled in the package.

    prefix-chat.py BASE_URL OUT.jsonl [--conversations 4] [--turns 6] [--max-tokens 48] [--think 1.0]
                   [--stagger 2.0] [--seed 1]

OUT.jsonl: one line per turn (conversation, turn, TTFT and E2E in seconds as the client saw them, prompt tokens as
the server counted them, or the error). Prints the mean TTFT and E2E over all turns and over the turns after the
first (the ones a cached conversation can speed up).
"""
import argparse, asyncio, json, random, statistics, time
from pathlib import Path

from openai import AsyncOpenAI

SAMPLE = Path(__file__).resolve().parent.parent / "Sources/Workload/Samples/sharegpt_sample.jsonl"


def texts():
    with SAMPLE.open() as f:
        return [json.loads(line)["prompt"] for line in f if line.strip()]


def words(text, count):
    return " ".join(text.split()[:count])


async def conversation(client, model, index, system, users, args, start, results):
    await asyncio.sleep(max(0.0, start + index * args.stagger - time.monotonic()))
    messages = [{"role": "system", "content": system}]
    for turn, user in enumerate(users):
        messages.append({"role": "user", "content": user})
        record = {"conversation": index, "turn": turn}
        sent = time.monotonic()
        reply = []
        try:
            stream = await client.chat.completions.create(
                model=model, messages=messages, max_tokens=args.max_tokens, stream=True, temperature=0,
                stream_options={"include_usage": True}, extra_body={"ignore_eos": True})
            first = None
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    if first is None:
                        first = time.monotonic() - sent
                    reply.append(chunk.choices[0].delta.content)
                if chunk.usage:
                    record["prompt_tokens"] = chunk.usage.prompt_tokens
                    record["completion_tokens"] = chunk.usage.completion_tokens
            record["ttft"] = first
            record["e2e"] = time.monotonic() - sent
        except Exception as error:  # a failed turn is recorded, and the conversation goes on without its reply
            record["error"] = f"{type(error).__name__}: {error}"
        results.append(record)
        messages.append({"role": "assistant", "content": "".join(reply)})
        await asyncio.sleep(args.think)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("out")
    parser.add_argument("--conversations", type=int, default=4)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a reply and the next turn")
    parser.add_argument("--stagger", type=float, default=2.0, help="seconds between conversations' starts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pool = texts()
    rng = random.Random(args.seed)
    # About 1,200 tokens of system prompt, shared by every conversation.
    system = "You are a helpful assistant. Background notes: " + words(" ".join(pool[:200]), 900)
    long_enough = [t for t in pool if len(t.split()) >= 40]
    plans = [[words(t, 150) for t in rng.sample(long_enough, args.turns)] for _ in range(args.conversations)]
    client = AsyncOpenAI(base_url=args.base_url.rstrip("/") + "/v1", api_key="none", timeout=1800, max_retries=0)
    model = (await client.models.list()).data[0].id
    results = []
    start = time.monotonic()
    await asyncio.gather(*(conversation(client, model, i, system, plan, args, start, results)
                           for i, plan in enumerate(plans)))
    with open(args.out, "w") as f:
        for record in sorted(results, key=lambda r: (r["conversation"], r["turn"])):
            f.write(json.dumps(record) + "\n")
    ok = [r for r in results if r.get("ttft") is not None]
    later = [r for r in ok if r["turn"] > 0]
    failed = len(results) - len(ok)

    def mean(rows, key):
        return f"{statistics.mean(r[key] for r in rows):.3f}" if rows else "-"

    print(f"turns {len(results)}  failed {failed}  mean TTFT {mean(ok, 'ttft')} s (after the first turn "
          f"{mean(later, 'ttft')} s)  mean E2E {mean(ok, 'e2e')} s  wall {time.monotonic() - start:.1f} s")


asyncio.run(main())
