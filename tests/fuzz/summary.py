"""Prints the fuzz counts: `KERAS_BACKEND=tensorflow python -m tests.fuzz.summary [--cli]`.

One line per case that is not a one-line `ValueError` naming its argument,
then the count of each outcome.
"""

import collections
import sys

from tests.fuzz import cases


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    counts = collections.Counter()
    for name, kind in cases.cases():
        outcome, detail = cases.classify(name, kind)
        counts[outcome] += 1
        if outcome != cases.NAMED:
            print(f"{name:28s} {kind:15s} {outcome}: {detail[:160]}")
    if "--cli" in argv:
        from tests.fuzz import cli_cases

        for case_id, outcome, detail in cli_cases.run_all():
            counts[outcome] += 1
            if outcome != cli_cases.OK:
                print(f"{case_id:44s} {outcome}: {detail[:160]}")
    total = sum(counts.values())
    print(f"{total} cases")
    for outcome, count in counts.most_common():
        print(f"  {count:4d}  {outcome}")


if __name__ == "__main__":
    main()
