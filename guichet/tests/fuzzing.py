"""What the property-based tests (hypothesis) share: the settings profiles and the nasty
input they generate.

Profiles: `guichet` (the default, in the suite: few examples, the fuzz files take seconds),
`deep` (HYPOTHESIS_PROFILE=deep: many more, to run by hand after touching a parser). No
example database is written (the tests leave no files behind). deadline=None: the first
request of a test (templates, translations) is slower than the next ones.
"""

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "guichet",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "guichet"))

# Strings people and robots type: NUL bytes, digits that are not ASCII (①, ٣, ²), signs,
# exponents, huge numbers, markup, long runs, any Unicode.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "①",
        "٣",
        "²",
        "-1",
        "0",
        "1e999",
        "9" * 30,
        "NaN",
        "inf",
        "2026-02-30",
        "0000-00-00",
        "<script>x</script>",
        "{{ secret }}",
        "%(x)s",
        "../../etc/passwd",
        "\ud7ff\ue000",
        "\u202e",
    ]
) | st.builds(
    lambda digit, n: digit * n, st.sampled_from(["9", "x", "\x00", "é"]), st.integers(1000, 20000)
)
TEXT = st.one_of(NASTY, st.text(max_size=60))
# JSON values of any shape (what an imported document or a posted JSON may hold).
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10) | NASTY, children, max_size=4)
    ),
    max_leaves=12,
)
