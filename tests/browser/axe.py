"""Accessibility checks with axe-core (npm, pinned in package-lock.json), injected into a Playwright page.

The page's context must bypass CSP (tests/browser/conftest.py sets ``bypass_csp=True``) for the injection to work.
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical"), *, context=None, options=None) -> list[dict]:
    """Run axe on ``page`` and return its violations whose impact is one of ``impacts``.

    Each violation is axe's dict: ``id``, ``impact``, ``help``, ``helpUrl``, ``nodes`` (with ``target``, ``html``,
    ``failureSummary``)... ``context`` and ``options`` are passed to ``axe.run`` as they are.
    """
    if not AXE_JS.is_file():
        raise RuntimeError(f"{AXE_JS} is missing: run scripts/install-browser-deps")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"resultTypes": ["violations"], **(options or {})}
    violations = page.evaluate(
        "async ([context, options]) => (await axe.run(context ?? document, options)).violations",
        [context, options],
    )
    return [violation for violation in violations if violation.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    """A readable summary of ``axe_violations``' result, for assertion messages."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation.get('impact')}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation.get("nodes", []):
            lines.append(f"    {', '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:200]}")
    return "\n".join(lines)
