"""Record: an immutable value with named fields, a tuple as `typing.NamedTuple` makes one.

    class Location(Record):
        file: str
        line: int = 0

A record is a tuple (equal, hashable and picklable as one) with a property per field, keyword
arguments, defaults, `_replace`, `match` by position and a readable repr; a subclass adds methods,
not fields. The type checker reads a record as a frozen dataclass: it checks construction and
fields, but not `_replace`'s keywords, and a record unpacked or indexed is `Any` to it.

The engine (`migrator.yamltext`), `pipeline` and `published` define their records with it; the
other modules use `typing.NamedTuple`, which behaves the same. A module that defines records has
`from __future__ import annotations`: the fields are read from the names of the annotations,
which are never evaluated.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # typing has both from Python 3.11; the package supports 3.10
    from typing_extensions import Self, dataclass_transform
else:
    def dataclass_transform(**_options: object) -> object:
        """What the type checker reads (a record's constructor is its fields); nothing here."""
        return lambda cls: cls


class _RecordType(type):
    """Builds each record class: its fields, a property each, and no instance dictionary."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _RecordType:
        if not any(isinstance(base, _RecordType) for base in bases):  # Record itself
            return super().__new__(mcs, name, bases, namespace)
        if any(hasattr(base, "_fields") for base in bases):  # a subclass of a record
            if namespace.get("__annotations__"):
                raise TypeError(f"{name}: a record's fields are declared in one class")
            namespace["__slots__"] = ()
            return super().__new__(mcs, name, bases, namespace)
        fields = tuple(namespace.get("__annotations__", ()))
        defaults = {field: namespace.pop(field) for field in fields if field in namespace}
        required = [field for field in fields if field not in defaults]
        if fields and required != list(fields[:len(required)]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        for index, field in enumerate(fields):
            namespace[field] = property(itemgetter(index))
        namespace.update(__slots__=(), _fields=fields, _defaults=defaults, __match_args__=fields)
        return super().__new__(mcs, name, bases, namespace)


@dataclass_transform(frozen_default=True)
class Record(tuple["Any", ...], metaclass=_RecordType):
    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]]
    _defaults: ClassVar[dict[str, Any]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        if kwargs or len(args) != len(cls._fields):
            args = cls._arguments(args, kwargs)
        return tuple.__new__(cls, args)

    @classmethod
    def _arguments(cls, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """Positional arguments, then keywords, then defaults, with Python's errors."""
        if len(args) > len(cls._fields):
            raise TypeError(f"{cls.__name__}() takes {len(cls._fields)} positional arguments "
                            f"but {len(args)} were given")
        values = list(args)
        for field in cls._fields[len(args):]:
            if field in kwargs:
                values.append(kwargs.pop(field))
            elif field in cls._defaults:
                values.append(cls._defaults[field])
            else:
                raise TypeError(f"{cls.__name__}() missing required argument: {field!r}")
        for field in kwargs:
            problem = "multiple values for" if field in cls._fields else "an unexpected keyword"
            raise TypeError(f"{cls.__name__}() got {problem} argument {field!r}")
        return tuple(values)

    def _replace(self, **changes: Any) -> Self:
        return type(self)(**{**dict(zip(self._fields, self, strict=True)), **changes})

    def __repr__(self) -> str:
        pairs = zip(self._fields, self, strict=True)
        shown = ", ".join(f"{field}={value!r}" for field, value in pairs)
        return f"{type(self).__name__}({shown})"

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)
