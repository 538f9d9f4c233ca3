"""Solutions stay in notebooks/solutions/: no code cell of a lesson ``notebooks/NN_*.ipynb`` holds
the answer code of ``notebooks/solutions/NN_solutions.ipynb``, and each exercise cell of the lesson
still starts unanswered (``None  # your ...``) with its checker call.

The answer cells of a solutions notebook are its code cells that call a checker. Their answer
lines are their lines, normalised (comments and whitespace dropped), less the lines an exercise
shares with its lesson by design: imports, ``def`` signatures (the lesson gives the stub), checker
calls, ``seed_everything(...)``, ``plt.show()``, very short lines, and the lines of the solutions'
set-up cell. A lesson cell leaks an answer cell when it holds its only answer line, or at least two
of its answer lines and at least half of them (a given line such as ``pca_8 = PCA(...)`` is shared
on purpose; one generic line is not a leak).
"""
from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = ROOT / "notebooks" / "solutions"
CHECKER = re.compile(r"\bchecks\.(check_\w+)\(")
PLACEHOLDER = re.compile(r"\bNone\s*#\s*your\b")
SHARED_BY_DESIGN = re.compile(r"^(import |from \S+ import |def \w+\(.*\):$|seed_everything\(|plt\.show\(\)$)")
SHORT = 12  # characters, after normalisation: `h = inputs`, `return z`


def _code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _without_comments(source: str) -> str:
    """``source`` without its comments (``#`` inside strings is kept); as is if it does not tokenize."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.COMMENT]
        return tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source


def _lines(source: str) -> list[str]:
    """The non-blank lines of ``source``, comments dropped, each run of whitespace one space."""
    return [" ".join(line.split()) for line in _without_comments(source).splitlines() if line.strip()]


def _answer_lines(cell: str, setup: set[str]) -> set[str]:
    return {line for line in _lines(cell)
            if len(line) > SHORT and line not in setup and not SHARED_BY_DESIGN.match(line)
            and "checks." not in line}


def _answer_cells(solution_cells: list[str]) -> list[tuple[str, set[str]]]:
    """``(source, answer lines)`` of each solution code cell that calls a checker."""
    setup = set(_lines(solution_cells[0]))
    return [(cell, _answer_lines(cell, setup)) for cell in solution_cells[1:] if CHECKER.search(cell)]


def leaks(lesson_cells: list[str], solution_cells: list[str]) -> list[str]:
    """Messages naming each lesson code cell that holds the answer code of a solution cell."""
    found = []
    for source, answer in _answer_cells(solution_cells):
        if not answer:
            continue
        for i, cell in enumerate(lesson_cells):
            shared = answer & set(_lines(cell))
            if shared == answer or (len(shared) >= 2 and 2 * len(shared) >= len(answer)):
                found.append(f"lesson code cell {i} holds {len(shared)} of the {len(answer)} answer lines of "
                             f"the solution cell calling {CHECKER.search(source).group(1)}: {sorted(shared)}")
    return found


def _is_unanswered(node: ast.stmt) -> bool:
    """An assignment of None (or a tuple of Nones), or a function whose body is ``return None``."""
    if isinstance(node, ast.FunctionDef):
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        return (len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Constant)
                and body[0].value.value is None)
    if isinstance(node, ast.Assign):
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        return all(isinstance(v, ast.Constant) and v.value is None for v in values)
    return False


def _defines(node: ast.stmt) -> set[str]:
    """The names a top-level statement assigns or defines."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return set()


def _names_defined(cells: list[str]) -> set[str]:
    """Every name that ``cells`` bind anywhere (assignments, loops, functions, classes, imports)."""
    names: set[str] = set(dir(builtins))
    for cell in cells:
        try:
            tree = ast.parse(cell)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _exercise_problems(cell: str, checker: str, earlier: set[str]) -> list[str]:
    """What is wrong with a lesson's exercise cell that calls ``checks.<checker>``: it must hold a
    ``None  # your ...`` placeholder; the checker's first argument (a checker takes the answer first),
    where the cell sets it, must be unanswered (None, or a function returning None); and any other name
    passed to the checker that the cell sets must be unanswered too, unless it is the exercise's
    context: a statement that uses names, all of earlier cells, such as ``pca_8 = PCA(...).fit(x_train)``
    (an answer is a constant, or uses the cell's own names or names only the solutions define)."""
    if not PLACEHOLDER.search(cell):
        return [f"the exercise cell of checks.{checker} has no `None  # your ...` placeholder"]
    try:
        tree = ast.parse(cell)
    except SyntaxError as exc:
        return [f"the exercise cell of checks.{checker} does not parse: {exc}"]
    calls = [call for call in ast.walk(tree) if isinstance(call, ast.Call)
             and isinstance(call.func, ast.Attribute) and call.func.attr == checker]
    answers = {call.args[0].id for call in calls if call.args and isinstance(call.args[0], ast.Name)}
    passed = {n.id for call in calls for arg in [*call.args, *(k.value for k in call.keywords)]
              for n in ast.walk(arg) if isinstance(n, ast.Name)}
    problems = []
    for node in tree.body:
        names = _defines(node) & passed
        if not names or _is_unanswered(node):
            continue
        loaded = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if names & answers or not loaded or not loaded <= earlier:
            problems.append(f"the exercise cell of checks.{checker} answers {sorted(names)}")
    return problems


def unanswered_problems(lesson_cells: list[str], solution_cells: list[str]) -> list[str]:
    """Messages for each exercise whose lesson cell is missing or no longer unanswered: for each
    checker that a solution cell calls, the lesson has a code cell that calls it too, and that cell
    passes :func:`_exercise_problems`."""
    problems = []
    for source, _ in _answer_cells(solution_cells):
        for checker in dict.fromkeys(CHECKER.findall(source)):
            at = [i for i, c in enumerate(lesson_cells) if re.search(rf"\bchecks\.{checker}\(", c)]
            problems += (_exercise_problems(lesson_cells[at[0]], checker, _names_defined(lesson_cells[:at[0]]))
                         if at else [f"no lesson cell calls checks.{checker}"])
    return problems


def _pairs():
    for lesson in LESSONS:
        yield pytest.param(lesson, SOLUTIONS / f"{lesson.name[:2]}_solutions.ipynb", id=lesson.name[:2])


@pytest.mark.parametrize(("lesson", "solutions"), list(_pairs()))
def test_no_lesson_cell_holds_its_solutions_answer_code(lesson, solutions):
    lesson_cells, solution_cells = _code_cells(lesson), _code_cells(solutions)
    assert len(_answer_cells(solution_cells)) >= 2, "each solutions notebook answers at least two exercises"
    assert all(answer for _, answer in _answer_cells(solution_cells)), "every answer cell has answer lines"
    assert leaks(lesson_cells, solution_cells) == []


@pytest.mark.parametrize(("lesson", "solutions"), list(_pairs()))
def test_each_exercise_cell_is_still_unanswered(lesson, solutions):
    assert unanswered_problems(_code_cells(lesson), _code_cells(solutions)) == []


def test_every_lesson_has_a_solutions_notebook():
    assert len(LESSONS) == len(list(SOLUTIONS.glob("[0-9][0-9]_solutions.ipynb"))) >= 12
    for lesson in LESSONS:
        assert (SOLUTIONS / f"{lesson.name[:2]}_solutions.ipynb").is_file(), lesson.name


@pytest.mark.parametrize(("lesson", "solutions"), list(_pairs()))
def test_a_pasted_solution_cell_is_found(lesson, solutions):
    """The checks above can fail: each answer cell pasted into a copy of the lesson, as a new cell or
    in place of its exercise cell, is found; so is the exercise answered on its placeholder line."""
    lesson_cells, solution_cells = _code_cells(lesson), _code_cells(solutions)
    for source, answer in _answer_cells(solution_cells):
        checker = CHECKER.search(source).group(1)
        at = next(i for i, c in enumerate(lesson_cells) if f"checks.{checker}(" in c)
        added = lesson_cells[:at] + [source] + lesson_cells[at:]
        assert leaks(added, solution_cells), f"{lesson.name}: pasted {checker} cell not found"
        replaced = lesson_cells[:at] + [source] + lesson_cells[at + 1:]
        assert leaks(replaced, solution_cells) and unanswered_problems(replaced, solution_cells), checker
        # the exercise's last placeholder answered in place (0 for None), the other placeholders kept
        last = list(PLACEHOLDER.finditer(lesson_cells[at]))[-1]
        typed = lesson_cells[at][:last.start()] + "0" + lesson_cells[at][last.start() + len("None"):]
        assert unanswered_problems(lesson_cells[:at] + [typed] + lesson_cells[at + 1:], solution_cells), checker
