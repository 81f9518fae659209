# From sqlalchemy-utils 0.43.0, sqlalchemy_utils/functions/mock.py:77/93/102.
# A test/dev helper that rebinds a variable, named by the developer calling it, in the caller's
# frame; the name is the API's documented argument, not external input.
import inspect


def mock_engine(engine: str, mock) -> None:
    frame = inspect.stack()[1][0]
    frame.f_locals["__mock"] = mock
    exec("%s = __mock" % engine, frame.f_globals, frame.f_locals)
