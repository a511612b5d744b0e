#!/usr/bin/env python3
"""Regenerate the expected chat-template renderings in this folder.

Each family folder contains template.jinja (the model's chat_template text)
and tokens.json (its bos_token and eos_token). For every family this script renders
the conversations in CASES the way Hugging Face transformers does in
apply_chat_template(messages, tokenize=False, add_generation_prompt=...), and
writes one <case>.json per conversation into the family folder. It reads
nothing else and writes nothing else.

Run from the repository root (any working directory works):

    python3 sdk/src/test/resources/chat-templates/render_expected.py

Requires jinja2 >= 3.1 (the fixtures were generated with jinja2 3.1.2).
"""

import json
import sys
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXTURE_ROOT = Path(__file__).resolve().parent

# Llama 3.1 and 3.2 print "Today Date: <date>" in the system header. The date is
# pinned so the expected strings do not change from day to day.
FIXED_DAY = datetime(2024, 7, 26)
FIXED_DATE = FIXED_DAY.strftime("%d %b %Y")  # "26 Jul 2024", in the format Llama 3.2 passes to strftime_now

SYSTEM = {"role": "system", "content": "You are a helpful support agent for Acme Corp."}
# Leading and trailing spaces test templates that apply `| trim` to content.
FIRST_USER = {"role": "user", "content": "  My order #1234 hasn't arrived. "}
ASSISTANT = {"role": "assistant", "content": "I'm sorry to hear that! Could you share your email?"}
# An embedded newline tests that content is copied through unchanged.
SECOND_USER = {"role": "user", "content": "It's jane@example.com\nThanks"}

# Case name -> (messages, add_generation_prompt). Every family gets every case.
CASES = {
    "system-multi-turn": ([SYSTEM, FIRST_USER, ASSISTANT, SECOND_USER], True),
    "multi-turn-no-system": ([FIRST_USER, ASSISTANT, SECOND_USER], True),
    "single-user-no-generation-prompt": ([FIRST_USER], False),
}


# The three helpers below copy the ones transformers installs in its chat
# template environment (transformers/utils/chat_template_utils.py), except
# that strftime_now formats FIXED_DAY instead of the current date.
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def strftime_now(format):
    return FIXED_DAY.strftime(format)


def build_environment():
    """Create the Jinja environment that transformers uses for chat templates."""
    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[jinja2.ext.loopcontrols],
    )
    environment.filters["tojson"] = tojson
    environment.globals["raise_exception"] = raise_exception
    environment.globals["strftime_now"] = strftime_now
    return environment


def render(template, tokens, messages, add_generation_prompt, extra_context):
    """Render one conversation and return {"expected": ...} or {"expected_error": ...}."""
    # transformers adds tokenizer.special_tokens_map to the context, which lists
    # only the tokens that are set, so a null bos_token (Qwen2.5) stays undefined.
    special_tokens = {name: value for name, value in tokens.items() if value is not None}
    try:
        text = template.render(
            messages=messages,
            add_generation_prompt=add_generation_prompt,
            **special_tokens,
            **extra_context,
        )
        return {"expected": text}
    except jinja2.exceptions.TemplateError as error:
        return {"expected_error": str(error)}


def render_checked(case_label, template, tokens, messages, add_generation_prompt):
    """Render with date_string pinned, after checking two context choices do not matter.

    The fixtures pass date_string and leave tools and documents undefined.
    transformers leaves date_string undefined (the template then calls
    strftime_now), and recent versions pass tools=None and documents=None.
    Both variants must give the same result, or the fixture would depend on
    which choice a caller makes.
    """
    pinned = render(template, tokens, messages, add_generation_prompt, {"date_string": FIXED_DATE})
    variants = {
        "date_string undefined": {},
        "tools=None, documents=None": {"date_string": FIXED_DATE, "tools": None, "documents": None},
    }
    for label, extra_context in variants.items():
        result = render(template, tokens, messages, add_generation_prompt, extra_context)
        if result != pinned:
            raise SystemExit(
                f"{case_label}: rendering with {label} gives {result!r}, but the fixture context gives "
                f"{pinned!r}. The expected string would depend on that context choice, which the Java test "
                "cannot see, so change the case or record the choice in README.md."
            )
    return pinned


def main():
    environment = build_environment()
    family_folders = sorted(path.parent for path in FIXTURE_ROOT.glob("*/template.jinja"))
    if not family_folders:
        raise SystemExit(
            f"No family folder with a template.jinja found under {FIXTURE_ROOT}. "
            "Keep this script next to the family folders."
        )

    for folder in family_folders:
        # newline="" keeps the template bytes exactly as stored.
        with open(folder / "template.jinja", encoding="utf-8", newline="") as template_file:
            source = template_file.read()
        tokens = json.loads((folder / "tokens.json").read_text(encoding="utf-8"))
        template = environment.from_string(source)

        for case_name, (messages, add_generation_prompt) in CASES.items():
            case_label = f"{folder.name}/{case_name}"
            result = render_checked(case_label, template, tokens, messages, add_generation_prompt)
            case = {"messages": messages, "add_generation_prompt": add_generation_prompt, **result}
            with open(folder / f"{case_name}.json", "w", encoding="utf-8", newline="\n") as output:
                output.write(json.dumps(case, ensure_ascii=False, indent=2) + "\n")
            if "expected_error" in result:
                print(f"{case_label}: template raised: {result['expected_error']}", file=sys.stderr)
            else:
                print(f"{case_label}: {len(result['expected'])} characters")


if __name__ == "__main__":
    main()
