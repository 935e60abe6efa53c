"""Benchmark: every hostile template of issue 16 (defect 3), each in a fresh process: outcome, time, memory.

    python -m bench.template_limits            # run from the repository root
    python -m bench.template_limits --cap-gb 2 # address-space cap per child (a safety net; default 3)

Each child validates the template as a save or import would, renders it if validation accepts it,
and reports what stopped it (the problem or the error message), the wall-clock time, the peak of
Python allocations (tracemalloc) and the growth of the process's peak RSS. The limits it runs
under are the named constants of ``deskapp.core.templating.limits`` (printed first).

Then the cost of the limits on everyday texts: every variant of the starter library rendered
with deskapp's bounded sandbox and with Jinja's own sandbox (same filters, no limits),
interleaved, median of ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal

LOOP = "{% for a in 'x'*10000 %}{% for b in 'x'*10000 %}{% for c in 'x'*10000 %}x{% endfor %}{% endfor %}{% endfor %}"
HOSTILE: dict[str, str] = {
    "triple loop over 'x'*10000": LOOP,
    "triple loop inside a macro": "{% macro m() %}" + LOOP + "{% endmacro %}{{ m() }}",
    "triple loop inside {% set %}": "{% set t %}" + LOOP + "{% endset %}{{ t|length }}",
    "four nested loops": "{% for a in 'ab' %}{% for b in 'ab' %}{% for c in 'ab' %}{% for d in 'ab' %}x"
                         "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "'x'.ljust(2000000000)": "{{ 'x'.ljust(2000000000) }}",
    "'x'.zfill(2000000000)": "{{ 'x'.zfill(2000000000) }}",
    "'x'.center(10**9)": "{{ 'x'.center(10**9) }}",
    "'x'.rjust(10**9) via variable": "{% set w = 10**9 %}{{ 'x'.rjust(w) }}",
    "'\\t'.expandtabs(10**9)": "{{ '\\t\\t'.expandtabs(1000000000) }}",
    "9**64 squared 30 times (n*n)": "{% set n = 9**64 %}" + "{% set n = n*n %}" * 30 + "{{ n }}",
    "9**64 squared 30 times (n**2)": "{% set n = 9**64 %}" + "{% set n = n**2 %}" * 30 + "{{ n }}",
    "(9**64)**64**...": "{{ (((9**64)**64)**64)**64 }}",
    "22 doublings with ~": "{% set s = 'x'*10000 %}" + "{% set s = s ~ s %}" * 22 + "{{ s|length }}",
    "22 doublings with +": "{% set s = 'x'*10000 %}" + "{% set s = s + s %}" * 22 + "{{ s|length }}",
    "list doublings with +": "{% set s = ['x']*10000 %}" + "{% set s = s + s %}" * 22 + "{{ s|length }}",
    "100 nested parentheses": "{{ " + "(" * 100 + "1" + ")" * 100 + " }}",
    "1000 nested parentheses": "{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}",
    "self-calling macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "macros calling each other": "{% macro f() %}{{ g() }}{% endmacro %}{% macro g() %}{{ f() }}{% endmacro %}"
                                 "{{ f() }}",
    "macro recursing through an argument": "{% macro f(g) %}{{ g(g) }}{% endmacro %}{{ f(f) }}",
    "recursive for loop": "{% for a in [[1]] recursive %}{{ loop(a) }}{% endfor %}",
    "chained replace('', ...)": "{{ 'ab'" + ".replace('', 'xxxxxxxx')" * 12 + " }}",
    "chained |replace('', ...)": "{{ 'ab'" + "|replace('', 'xxxxxxxx')" * 12 + " }}",
    "chained join": "{% set s = 'xy' %}" + "{% set s = s.join(s) %}" * 12 + "{{ s|length }}",
    "chained |join": "{% set s = 'xy' %}" + "{% set s = s|join(s) %}" * 12 + "{{ s|length }}",
    "[s]*10000 printed": "{% set s = 'x'*10000 %}{{ [s]*10000 }}",
    "nested literals printed": "{% set a = ['x'*10000]*10 %}{% set b = [a,a,a,a,a,a,a,a,a,a] %}"
                               "{% set c = [b,b,b,b,b,b,b,b,b,b] %}{{ c }}",
    "'%s%s' % (s, s) doublings": "{% set s = 'x'*10000 %}" + "{% set s = '%s%s' % (s, s) %}" * 22 + "{{ s|length }}",
    "'{0}{0}'.format(s) doublings": "{% set s = 'x'*10000 %}" + "{% set s = '{0}{0}'.format(s) %}" * 22
                                    + "{{ s|length }}",
    "'{:>999999999}'.format(1)": "{{ '{:>999999999}'.format(1) }}",
    "'%999999999d' % 1": "{{ '%999999999d' % 1 }}",
    "(2).to_bytes(10**9)": "{{ (2).to_bytes(1000000000, 'big')|length }}",
    "round(10**8, 'ceil')": "{{ 1.5|round(100000000, 'ceil') }}",
    "wordwrap(1) with a long wrapstring": "{{ ('x'*10000)|wordwrap(1, wrapstring='y'*10000) }}",
    "translate to long texts": "{{ ('a'*10000).translate({97: 'b'*10000}) }}",
    "number of Decimal('1e999999')": "{{ prompt.amount|int }}",
    "10,000 steps each making 50,000 characters":
        "{% set s = 'x'*10000 %}{% set s = s ~ s ~ s ~ s ~ s %}{% for a in 'y'*10000 %}{% set t = s.upper() %}"
        "{% endfor %}",
    "10,000 steps each counting in 100,000 characters":
        "{% set s = 'x'*10000 %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% for a in 'y'*10000 %}"
        "{{ s.count('xy') }}{% endfor %}",
    "a number of 5000 digits": "{{ " + "9" * 5000 + " }}",
    "a 60 000-character template": "x" * 60_000,
    "a quoted text of 20 000 characters": "{{ '" + "x" * 20_000 + "' }}",
}
CONTEXT = {"customer": {"given_name": "Anna"}, "agent": {}, "case": {}, "brand": {}, "today": dt.date(2025, 3, 1),
           "prompt": {"amount": Decimal("1e999999")}}

EVERYDAY = {"customer": {"given_name": "Jukka", "family_name": "Mäkinen", "display_name": "Jukka Mäkinen",
                         "account_number": "FI-1", "organisation": "", "preferred_locale": "fi"},
            "agent": {"given_name": "Anna", "display_name": "Anna Virtanen"},
            "case": {"reference": "42", "subject": "Router"}, "brand": {"name": "Nordic Telecom", "code": "nordtel"},
            "today": dt.date(2025, 3, 1)}


def _child(name: str) -> dict[str, object]:
    from deskapp.core.templating import TemplateError, render, validate

    body = HOSTILE[name]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    problems = validate(body)
    if problems:
        outcome, message = "refused at validation", str(problems[0])
    else:
        try:
            text = render(body, "en", CONTEXT)
            outcome, message = "rendered", f"{len(text)} characters"
        except TemplateError as exc:
            outcome, message = "stopped while rendering", exc.message
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"outcome": outcome, "message": message, "seconds": seconds, "peak_mb": peak / 1e6, "rss_mb": rss / 1e3}


def _everyday(rounds: int) -> None:
    import yaml
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from deskapp.core.services.starter import starter_text
    from deskapp.core.templating import render
    from deskapp.core.templating.environment import compiled, environment

    values = {"date": dt.date(2025, 3, 14), "money": Decimal("12.5"), "number": Decimal("3"), "text": "x"}
    cases = []
    for entry in yaml.safe_load(starter_text("responses.yaml"))["responses"]:
        prompts = {p["name"]: values[p.get("type", "text")] for p in entry.get("prompts") or []}
        for locale, variant in entry["variants"].items():
            cases.append((variant["body"], locale, {**EVERYDAY, "prompt": prompts}))
    plain: dict[str, SandboxedEnvironment] = {}
    for locale in {c[1] for c in cases}:
        env = plain[locale] = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True,
                                                   finalize=lambda v: "" if v is None else v)
        env.globals.clear()
        env.filters = {n: getattr(f, "__wrapped__", f) for n, f in environment(locale).filters.items()}
    theirs = [plain[locale].from_string(body) for body, locale, _ in cases]
    ours = [compiled(locale, body) for body, locale, _ in cases]
    times: dict[str, list[float]] = {"render()": [], "bounded": [], "plain": []}
    for _ in range(rounds):
        start = time.perf_counter()
        for body, locale, ctx in cases:
            render(body, locale, ctx)
        times["render()"].append(time.perf_counter() - start)
        for name, templates in (("bounded", ours), ("plain", theirs)):
            start = time.perf_counter()
            for template, (_, _, ctx) in zip(templates, cases, strict=True):
                template.render(**ctx)
            times[name].append(time.perf_counter() - start)
    a, b, c = (statistics.median(times[name]) for name in ("render()", "bounded", "plain"))
    print(f"everyday: {len(cases)} starter texts, median of {rounds} rounds: render() {a * 1e3:.2f} ms, bounded "
          f"template {b * 1e3:.2f} ms, plain Jinja sandbox {c * 1e3:.2f} ms: bounded/plain = {b / c:.2f}x "
          f"({(b - c) / len(cases) * 1e6:.0f} µs a text)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap-gb", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--everyday-only", action="store_true", help="only the cost on everyday texts")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        cap = int(args.cap_gb * 1e9)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        import deskapp.core.templating  # noqa: F401  (imports are not what is measured)

        print(json.dumps(_child(args.child)))
        return
    from deskapp.core.templating import limits

    print("limits: " + ", ".join(f"{name}={getattr(limits, name)}" for name in sorted(dir(limits))
                                 if name.isupper() and not name.startswith("_")))
    for name in HOSTILE if not args.everyday_only else ():
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "bench.template_limits", "--cap-gb", str(args.cap_gb),
                                   "--child", name], capture_output=True, text=True, timeout=120, check=False)
            result = json.loads(done.stdout) if done.returncode == 0 else {
                "outcome": f"CRASHED (exit {done.returncode})", "message": done.stderr.strip()[-200:],
                "seconds": time.perf_counter() - started, "peak_mb": float("nan"), "rss_mb": float("nan")}
        except subprocess.TimeoutExpired:
            result = {"outcome": "KILLED after 120 s", "message": "", "seconds": 120.0, "peak_mb": float("nan"),
                      "rss_mb": float("nan")}
        print(f"{name:40} {result['seconds']:7.3f} s {result['peak_mb']:8.2f} MB peak {result['rss_mb']:8.1f} MB rss"
              f"  {result['outcome']}: {result['message']}")
    _everyday(args.rounds)


if __name__ == "__main__":
    main()
