"""Values kept per immutable object (supportscope.core.memo)."""

from __future__ import annotations

from supportscope.core.memo import PerObject


class Owner:
    """An object with no equality of its own: two are never the same one."""


def test_a_value_is_built_once_per_object_and_kept_for_it():
    built: list[Owner] = []
    kept: PerObject[int] = PerObject(4)
    first, second = Owner(), Owner()

    def build(owner: Owner) -> int:
        built.append(owner)
        return len(built)

    assert kept.get(first, lambda: build(first)) == 1
    assert kept.get(first, lambda: build(first)) == 1
    assert kept.get(second, lambda: build(second)) == 2
    assert built == [first, second]


def test_an_equal_object_gets_its_own_value():
    kept: PerObject[str] = PerObject(4)
    one, other = [1, 2], [1, 2]
    assert one == other
    assert kept.get(one, lambda: "first") == "first"
    assert kept.get(other, lambda: "second") == "second"
    assert kept.get(one, lambda: "third") == "first"


def test_everything_is_forgotten_when_the_most_objects_are_kept():
    kept: PerObject[int] = PerObject(2)
    first, second, third = Owner(), Owner(), Owner()
    kept.get(first, lambda: 1)
    kept.get(second, lambda: 2)
    assert kept.get(third, lambda: 3) == 3  # two were kept: both forgotten
    assert kept.get(third, lambda: 30) == 3
    assert kept.get(first, lambda: 10) == 10  # built again
