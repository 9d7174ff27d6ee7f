"""fuzz_found cases."""

from tests.conformance.cases import CaseList

CASES = CaseList()
