"""Value classes for what every run builds at start-up: the configuration, the language
options, the command table, the render options, a run's result.

``@record`` makes a class whose fields are its annotations, in order, each with its
default (``field(default_factory=..., compare=False)`` as in dataclasses): keyword or
positional construction, ``==`` on the compared fields, a ``repr``, and with
``frozen=True`` no assignment after construction and a hash.  ``replace(obj, **changes)``
is a copy with some fields changed (for a dataclass too, so a module can use one
``replace`` for both).

Why not dataclasses: importing it (and inspect, ast, dis, tokenize with it) and
generating the methods of these seven classes cost every start ~15 ms of CPU, half of
macrotrace's imports for an ``expand``.  The trace model (trace/model.py), which only a
trace loads, stays in dataclasses.
"""

from operator import itemgetter

_MISSING = object()


class Field:
    __slots__ = ("default", "default_factory", "compare")

    def __init__(self, default=_MISSING, default_factory=None, compare=True):
        self.default, self.default_factory, self.compare = default, default_factory, compare


def field(default=_MISSING, default_factory=None, compare=True):
    return Field(default, default_factory, compare)


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


def record(cls=None, *, frozen=False):
    """Class decorator (``@record`` or ``@record(frozen=True)``): see the module's doc."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def _make(cls, frozen):
    names = []
    for klass in reversed(cls.__mro__[:-1]):                # (inherited fields first)
        for name in klass.__dict__.get("__annotations__", {}):
            if name not in names:
                names.append(name)
    defaults, factories, compared = {}, {}, []
    for name in names:
        value = getattr(cls, name, _MISSING)
        compare = True
        if isinstance(value, Field):
            compare = value.compare
            if value.default_factory is not None:
                factories[name] = value.default_factory
            elif value.default is not _MISSING:
                defaults[name] = value.default
            if name in cls.__dict__:
                delattr(cls, name)
        elif value is not _MISSING:
            defaults[name] = value
        if compare:
            compared.append(name)
    required = [n for n in names if n not in defaults and n not in factories]
    cls._record_fields = tuple(names)
    index = {name: k for k, name in enumerate(names)}
    set_field = object.__setattr__ if frozen else setattr

    def __init__(self, *args, **kwargs):
        if len(args) > len(names):
            raise TypeError("%s() takes %d arguments, %d given" % (cls.__name__, len(names), len(args)))
        for name in kwargs:
            if name not in index:
                raise TypeError("%s() got an unexpected keyword argument %r" % (cls.__name__, name))
            if index[name] < len(args):
                raise TypeError("%s() got multiple values for argument %r" % (cls.__name__, name))
        for k, name in enumerate(names):
            if k < len(args):
                value = args[k]
            elif name in kwargs:
                value = kwargs[name]
            elif name in defaults:
                value = defaults[name]
            elif name in factories:
                value = factories[name]()
            else:
                raise TypeError("%s() missing required argument %r (required: %s)"
                                % (cls.__name__, name, ", ".join(required)))
            set_field(self, name, value)

    def __repr__(self):
        return "%s(%s)" % (cls.__qualname__, ", ".join("%s=%r" % (n, getattr(self, n)) for n in names))

    # == and hash compare the tuple of the compared fields, as dataclasses does (a frozen
    # record can be a dict key on a hot path: the language options).  The tuple is taken
    # from the instance's dict (where __init__ put every field) by itemgetter, not by a
    # method compiled from source as dataclasses makes it: compiling seven of those cost
    # every start ~2 ms of CPU
    if len(compared) > 1:
        values = itemgetter(*compared)
    elif compared:
        one = itemgetter(compared[0])

        def values(fields):
            return (one(fields),)
    else:
        def values(fields):
            return ()

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self.__dict__) == values(other.__dict__)

    def __hash__(self):
        return hash(values(self.__dict__))

    cls.__init__ = __init__
    cls.__repr__ = __repr__
    cls.__eq__ = __eq__
    if frozen:
        cls.__hash__ = __hash__

        def __setattr__(self, name, value):
            raise FrozenInstanceError("cannot assign to field %r" % name)

        def __delattr__(self, name):
            raise FrozenInstanceError("cannot delete field %r" % name)
        cls.__setattr__ = __setattr__
        cls.__delattr__ = __delattr__
    else:
        cls.__hash__ = None             # (mutable and compared by value: as dataclasses)
    return cls


def replace(obj, **changes):
    """A copy of the record (or dataclass) ``obj`` with ``changes``."""
    names = getattr(type(obj), "_record_fields", None)
    if names is None:
        import dataclasses
        return dataclasses.replace(obj, **changes)
    for name in changes:
        if name not in names:
            raise TypeError("%s has no field %r" % (type(obj).__name__, name))
    values = {n: getattr(obj, n) for n in names}
    values.update(changes)
    return type(obj)(**values)
