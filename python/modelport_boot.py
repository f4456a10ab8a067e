# Started by Modelport's Node server as `python -u modelport_boot.py`: imports the worker package from this
# folder, then takes the folder off sys.path again, so a user's score.py cannot import Modelport's modules by
# accident (the reference server does not put the script's own folder on sys.path either).
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or os.getcwd()) == _here:
    from modelport_worker import main as _main  # noqa: E402

    del sys.path[0]
else:  # started some other way (python -m, a debugger): import from here all the same
    sys.path.insert(0, _here)
    from modelport_worker import main as _main  # noqa: E402

    sys.path.remove(_here)

sys.exit(_main.main())
